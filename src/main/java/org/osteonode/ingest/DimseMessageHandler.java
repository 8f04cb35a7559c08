package org.osteonode.ingest;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.Association;
import com.pixelmed.network.CEchoRequestCommandMessage;
import com.pixelmed.network.CEchoResponseCommandMessage;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.MessageServiceElementCommand;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PolicyAssociationAcceptor;
import com.pixelmed.network.PresentationDataValue;
import com.pixelmed.network.ResponseStatus;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Receives one DIMSE request (C-ECHO-RQ or C-STORE-RQ with its data set) and prepares the response.
 * A C-STORE data set streams straight into the spool; Success is prepared only once it is durable and its
 * header parses.
 */
final class DimseMessageHandler extends PolicyAssociationAcceptor.DataHandler {
    /** A command set is a few hundred bytes; more than this is not a DIMSE command. */
    static final int MAX_COMMAND_BYTES = 64 * 1024;

    private final Spool spool;
    private final Quarantine quarantine;
    private final long maxObjectBytes;
    private long objectBytes;

    private final ByteArrayOutputStream command = new ByteArrayOutputStream();
    private byte presentationContextId;
    private CStoreRequestCommandMessage store;
    private Spool.Entry entry;
    private int status = CStoreStatus.SUCCESS;
    private String statusReason;
    private String errorComment;
    private byte[] response;
    private ReceivedObject received;

    DimseMessageHandler(Spool spool, Quarantine quarantine, long maxObjectBytes) {
        this.spool = spool;
        this.quarantine = quarantine;
        this.maxObjectBytes = maxObjectBytes;
    }

    byte presentationContextId() {
        return presentationContextId;
    }

    byte[] response() {
        return response;
    }

    /** The object acknowledged by this message's response, or null. */
    ReceivedObject received() {
        return received;
    }

    /** Reason code when the response is a failure (also the metric tag), else null. */
    String failureReason() {
        return status == CStoreStatus.SUCCESS ? null : statusReason;
    }

    @Override
    public void sendPDataIndication(PDataPDU pdata, Association association)
            throws DicomNetworkException, DicomException, IOException {
        for (Object each : pdata.getPDVList()) {
            PresentationDataValue pdv = (PresentationDataValue) each;
            presentationContextId = pdv.getPresentationContextID();
            String abstractSyntax = ((PolicyAssociationAcceptor) association).acceptedAbstractSyntax(presentationContextId);
            if (abstractSyntax == null) {
                throw violation(association, "data on presentation context " + (presentationContextId & 0xff)
                        + ", which was not accepted");
            }
            if (pdv.isCommand()) {
                if (command.size() + pdv.getValue().length > MAX_COMMAND_BYTES) {
                    throw violation(association, "a command set longer than " + MAX_COMMAND_BYTES + " bytes");
                }
                command.write(pdv.getValue());
                if (pdv.isLastFragment()) {
                    onCommand(association, abstractSyntax);
                }
            } else if (store != null) {
                onData(pdv, association);
            } else {
                throw violation(association, "data set received before a C-STORE-RQ command");
            }
        }
    }

    /**
     * A command set is implicit VR little endian (PS3.7 6.3.1): each element's length must fit in what follows, or
     * the parser would allocate what the peer claims.
     */
    static boolean wellFormed(byte[] command) {
        int position = 0;
        while (position + 8 <= command.length) {
            long length = (command[position + 4] & 0xffL) | (command[position + 5] & 0xffL) << 8
                    | (command[position + 6] & 0xffL) << 16 | (command[position + 7] & 0xffL) << 24;
            if (length > command.length - position - 8) {
                return false;
            }
            position += 8 + (int) length;
        }
        return position == command.length;
    }

    /** Aborts the association (A-ABORT to the peer, connection closed); the caller throws what this returns. */
    private static DicomNetworkException violation(Association association, String message) {
        try {
            association.abort();
        } catch (DicomNetworkException | RuntimeException ignored) {
            // the peer is gone already
        }
        return new DicomNetworkException(message);
    }

    private void onCommand(Association association, String abstractSyntax)
            throws DicomNetworkException, DicomException, IOException {
        if (!wellFormed(command.toByteArray())) {
            throw violation(association, "a command set whose elements do not fit in it");
        }
        AttributeList list = new AttributeList();
        list.read(new DicomInputStream(new ByteArrayInputStream(command.toByteArray()),
                TransferSyntax.ImplicitVRLittleEndian, false));
        int commandField = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.CommandField, 0xffff);
        if (commandField == MessageServiceElementCommand.C_ECHO_RQ) {
            CEchoRequestCommandMessage echo = new CEchoRequestCommandMessage(list);
            response = new CEchoResponseCommandMessage(echo.getAffectedSOPClassUID(), echo.getMessageID(),
                    ResponseStatus.Success).getBytes();
            setDone(true);
        } else if (commandField == MessageServiceElementCommand.C_STORE_RQ) {
            store = new CStoreRequestCommandMessage(list);
            if (!abstractSyntax.equals(store.getAffectedSOPClassUID())) {
                // (an Error Comment holds 64 characters)
                fail(CStoreStatus.SOP_CLASS_NOT_SUPPORTED, "sop-class-not-negotiated",
                        "osteonode: SOP Class differs from the context's abstract syntax");
            }
        } else {
            throw violation(association, "unsupported DIMSE command 0x" + Integer.toHexString(commandField));
        }
    }

    private void onData(PresentationDataValue pdv, Association association) throws DicomException, IOException,
            DicomNetworkException {
        objectBytes += pdv.getValue().length;
        if (objectBytes > maxObjectBytes && status == CStoreStatus.SUCCESS) {
            fail(CStoreStatus.OUT_OF_RESOURCES, "too-large", "osteonode: over osteonode.dicom.max-object-mb ("
                    + maxObjectBytes / (1024 * 1024) + " MiB)");
        }
        if (entry == null && status == CStoreStatus.SUCCESS) {
            open(association);
        }
        if (entry != null) {
            try {
                entry.write(pdv.getValue());
            } catch (IOException e) {
                spoolWriteFailed();
            }
        }
        if (pdv.isLastFragment()) {
            if (entry != null) {
                complete();
            }
            response = CStoreResponse.encode(store.getAffectedSOPClassUID(), store.getAffectedSOPInstanceUID(),
                    store.getMessageID(), status, errorComment);
            setDone(true);
        }
    }

    private void open(Association association) throws DicomException, IOException, DicomNetworkException {
        if (!spool.hasRoom()) {
            fail(CStoreStatus.OUT_OF_RESOURCES, "disk-full", "osteonode free disk below its watermark");
            return;
        }
        String transferSyntax = association.getTransferSyntaxForPresentationContextID(presentationContextId);
        ByteArrayOutputStream meta = new ByteArrayOutputStream(512);
        DicomOutputStream out = new DicomOutputStream(meta, TransferSyntax.ExplicitVRLittleEndian, null);
        new FileMetaInformation(store.getAffectedSOPClassUID(), store.getAffectedSOPInstanceUID(), transferSyntax,
                association.getCallingAETitle()).getAttributeList().write(out);
        out.flush();
        try {
            entry = spool.create();
            entry.write(meta.toByteArray());
        } catch (IOException e) {
            spoolWriteFailed();
        }
    }

    /** Makes the object durable, then checks it parses and is what the command said it is. */
    private void complete() throws IOException {
        Path file;
        try {
            file = entry.commit();
        } catch (IOException e) {
            spoolWriteFailed();
            return;
        }
        entry = null;
        try {
            DataSetLimits.check(file);
            InstanceHeader header = InstanceHeader.read(file);
            if (!header.sopClassUid().equals(store.getAffectedSOPClassUID())) {
                reject(file, CStoreStatus.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, "sop-class-mismatch",
                        "SOP Class UID of the data set differs from the C-STORE request");
            } else if (!header.sopInstanceUid().equals(store.getAffectedSOPInstanceUID())) {
                reject(file, CStoreStatus.CANNOT_UNDERSTAND, "sop-instance-mismatch",
                        "SOP Instance UID of the data set differs from the C-STORE request");
            } else {
                received = new ReceivedObject(file, header);
            }
        } catch (UnreadableObjectException e) {
            reject(file, CStoreStatus.CANNOT_UNDERSTAND, "unparseable", e.getMessage());
        }
    }

    private void reject(Path file, int rejectStatus, String reason, String detail) throws IOException {
        quarantine.put(file, reason, detail);
        fail(rejectStatus, reason, "osteonode: " + detail);
    }

    private void spoolWriteFailed() throws IOException {
        fail(CStoreStatus.OUT_OF_RESOURCES, "spool-write-failed", "osteonode could not write to disk");
    }

    private void fail(int failureStatus, String reason, String comment) throws IOException {
        status = failureStatus;
        statusReason = reason;
        errorComment = comment;
        abandon();
    }

    /** Drops a data set that will not be acknowledged, e.g. when the association is aborted mid-transfer. */
    void abandon() throws IOException {
        if (entry != null) {
            entry.close();
            entry = null;
        }
    }
}
