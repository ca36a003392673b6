// What became of an attempt, worded for the dashboard: a provider error is not the model refusing anything.
import type { AttemptOutcome } from '@/lib/llm/attempt-integrity';

const LABEL: Record<AttemptOutcome, { text: string; className: string }> = {
  valid: { text: 'valid', className: 'status-valid' },
  invalid: { text: 'refused', className: 'status-failed' },
  provider_error: { text: 'provider error', className: 'phase-retrying' },
};

export function OutcomeBadge({ outcome }: { outcome: AttemptOutcome }) {
  const { text, className } = LABEL[outcome];
  return <span className={`badge ${className}`} data-testid="attempt-outcome">{text}</span>;
}
