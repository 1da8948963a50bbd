import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';

/** Props of {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /** Address subscribed to the topic (it must confirm the subscription AWS emails it). */
  readonly email: string;
}

/**
 * An SNS topic for the alarms with one e-mail subscription (`-c alarmEmail=...`), TLS-only. For a team's own
 * paging (PagerDuty, Chatbot, several addresses) pass an existing topic as `alarmTopic` instead.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'FCFS coupon alarms', enforceSSL: true });
    this.topic.addSubscription(new EmailSubscription(props.email));
    acknowledge(this.topic, 'AwsSolutions', {
      'AwsSolutions-SNS2':
        'Alarm notifications carry no customer data; CloudWatch alarms cannot publish to a topic encrypted with the ' +
        'AWS-managed SNS key, and a customer-managed key for this one topic is left to teams that pass their own.',
    });
    acknowledge(this.topic, 'Serverless', {
      'Serverless-SNSRedrivePolicy':
        'An e-mail subscription: SNS retries the delivery itself, and a dead-letter queue of undelivered e-mails ' +
        'would be read by nobody; the alarm stays in ALARM on the dashboard whatever happens to the e-mail.',
    });
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks `alarmEmail`, and that it is not given with `alarmTopic`. @throws Error naming the prop. */
export function checkAlarmEmail(email: string | undefined, hasTopic: boolean): void {
  if (email === undefined) return;
  if (!EMAIL.test(email)) throw new Error(`alarmEmail must be an e-mail address, not '${email}'`);
  if (hasTopic) throw new Error('alarmEmail and alarmTopic are exclusive: subscribe the address to your topic');
}
