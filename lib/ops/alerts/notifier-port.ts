// The Notifier port: one per channel (email, Slack, generic webhook). The alert service asks each where an alert
// goes, records that, then calls `deliver` — retried with the RetryPolicy until it succeeds or gives up.
import type { Alert, AlertChannel } from './alert-model';

export type DeliveryChannel = Exclude<AlertChannel, 'none'>;

/** Where an alert goes on one channel, and how to send it there; or why it cannot go although it should. */
export type AlertRoute =
  | { recipient: string | null; deliver: (signal: AbortSignal) => Promise<void> }
  | { recipient: string | null; skipped: string };

export interface Notifier {
  readonly channel: DeliveryChannel;
  /** null when this channel has no part in the alert (no mail recipients; no Slack URL configured). */
  route(alert: Alert): Promise<AlertRoute | null>;
}

export { DeliveryError } from '../../hooks/delivery-error';
