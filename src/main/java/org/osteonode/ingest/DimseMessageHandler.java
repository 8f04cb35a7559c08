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
    private final Spool spool;
    private final Quarantine quarantine;

    private final ByteArrayOutputStream command = new ByteArrayOutputStream();
    private byte presentationContextId;
    private CStoreRequestCommandMessage store;
    private Spool.Entry entry;
    private int status = CStoreStatus.SUCCESS;
    private String statusReason;
    private String errorComment;
    private byte[] response;
    private ReceivedObject received;

    DimseMessageHandler(Spool spool, Quarantine quarantine) {
        this.spool = spool;
        this.quarantine = quarantine;
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
            if (pdv.isCommand()) {
                command.write(pdv.getValue());
                if (pdv.isLastFragment()) {
                    onCommand(association);
                }
            } else if (store != null) {
                onData(pdv, association);
            } else {
                throw new DicomNetworkException("data set received before a C-STORE-RQ command");
            }
        }
    }

    private void onCommand(Association association) throws DicomNetworkException, DicomException, IOException {
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
        } else {
            throw new DicomNetworkException("unsupported DIMSE command 0x" + Integer.toHexString(commandField)
                    + " from " + association.getCallingAETitle());
        }
    }

    private void onData(PresentationDataValue pdv, Association association) throws DicomException, IOException,
            DicomNetworkException {
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
