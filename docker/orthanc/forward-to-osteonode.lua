-- Forwards every instance Orthanc stores to osteonode (the "osteonode" entry of DicomModalities in
-- orthanc.json), except the Structured Reports osteonode sends back: forwarded, they would go round in a loop.
function OnStoredInstance(instanceId, tags, metadata, origin)
  if tags['Modality'] == 'SR' and metadata['RemoteAET'] == 'OSTEONODE' then
    return
  end
  SendToModality(instanceId, 'osteonode')
end
