import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { LOCAL_REGION } from './template';

/** An attribute value as Lambda sends it: binary as base64 (the SDK hands it over as bytes). */
function lambdaValue(value: AttributeValue): AttributeValue {
  if (value.B) return { B: Buffer.from(value.B).toString('base64') } as unknown as AttributeValue;
  if (value.BS) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) } as unknown as AttributeValue;
  if (value.L) return { L: value.L.map(lambdaValue) };
  if (value.M) return { M: lambdaImage(value.M) };
  return value;
}

function lambdaImage(image: Record<string, AttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, lambdaValue(v)]));
}

/**
 * One stream record as Lambda passes it to the function (eventVersion 1.1, ApproximateCreationDateTime in epoch
 * seconds, binary attributes base64): https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html.
 */
export function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  const image = (i: Record<string, AttributeValue> | undefined) => (i ? lambdaImage(i) : undefined);
  const dynamodb = {
    ApproximateCreationDateTime: d.ApproximateCreationDateTime
      ? d.ApproximateCreationDateTime.getTime() / 1000
      : Date.now() / 1000,
    Keys: image(d.Keys),
    NewImage: image(d.NewImage),
    OldImage: image(d.OldImage),
    SequenceNumber: d.SequenceNumber,
    SizeBytes: d.SizeBytes,
    StreamViewType: d.StreamViewType,
  };
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: LOCAL_REGION,
    dynamodb: Object.fromEntries(Object.entries(dynamodb).filter(([, v]) => v !== undefined)),
    eventSourceARN: streamArn,
  } as DynamoDBRecord;
}
