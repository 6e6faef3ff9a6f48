// Amazon SNS's HTTP/HTTPS envelope around what a topic publishes (a CloudWatch alarm, most often): a generic
// integration with `envelope: sns` maps its `fields` onto the envelope's Message, itself a JSON string.
import { z } from 'zod';
import { cleanDeep } from '../http/sanitize.js';

export const SNS_TYPES = ['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'] as const;
type SnsType = (typeof SNS_TYPES)[number];

export type SnsMessage =
  | { type: 'Notification'; topicArn: string; message: unknown }
  | { type: 'SubscriptionConfirmation'; topicArn: string; subscribeUrl: string }
  | { type: 'UnsubscribeConfirmation'; topicArn: string }
  | { type: 'refused'; error: string };

const topicArn = z.string({ message: 'TopicArn: expected the topic ARN' }).min(1, 'TopicArn: expected the topic ARN');

const notification = z.object({ TopicArn: topicArn, Message: z.string({ message: 'Message: expected a string' }) });
const subscription = z.object({
  TopicArn: topicArn,
  SubscribeURL: z.url({ protocol: /^https?$/, message: 'SubscribeURL: expected an http(s) URL' }),
});
const unsubscription = z.object({ TopicArn: topicArn });

const isSnsType = (value: unknown): value is SnsType => (SNS_TYPES as readonly unknown[]).includes(value);

/**
 * What an SNS delivery says: its type from the x-amz-sns-message-type header (else the body's Type, which
 * must agree with it), a notification's Message parsed as JSON. Every refusal says what was wrong.
 */
export function openSnsEnvelope(header: string | undefined, body: unknown): SnsMessage {
  const refused = (error: string): SnsMessage => ({ type: 'refused', error });
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return refused('not an Amazon SNS message: expected a JSON object with Type, TopicArn and Message');
  const declared = 'Type' in body ? body.Type : undefined;
  const type = header ?? declared;
  if (!isSnsType(type))
    return refused(`not an Amazon SNS message: x-amz-sns-message-type (or Type) must be one of ${SNS_TYPES.join(', ')}`);
  if (declared !== undefined && declared !== type)
    return refused(`x-amz-sns-message-type says ${type} but the body's Type is ${JSON.stringify(declared)}`);
  const issues = (error: z.ZodError) => refused(`${type}: ${error.issues.map((i) => i.message).join('; ')}`);
  if (type === 'SubscriptionConfirmation') {
    const parsed = subscription.safeParse(body);
    return parsed.success ? { type, topicArn: parsed.data.TopicArn, subscribeUrl: parsed.data.SubscribeURL } : issues(parsed.error);
  }
  if (type === 'UnsubscribeConfirmation') {
    const parsed = unsubscription.safeParse(body);
    return parsed.success ? { type, topicArn: parsed.data.TopicArn } : issues(parsed.error);
  }
  const parsed = notification.safeParse(body);
  if (!parsed.success) return issues(parsed.error);
  try {
    return { type, topicArn: parsed.data.TopicArn, message: cleanDeep(JSON.parse(parsed.data.Message)) };
  } catch {
    return refused('Message is not JSON: the fields are read from the published message, which must be a JSON document');
  }
}
