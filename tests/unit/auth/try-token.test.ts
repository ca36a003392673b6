import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TryTokenError, TryTokens, type TryClaims } from '../../../lib/ops/auth/try-token';

const CLAIMS: TryClaims = { tiId: 'ti-42', tryNumber: 2, dagId: 'make_cards', runId: 'manual__2026-01-01', taskId: 'generate', mapIndex: -1 };
const NOW = new Date('2026-03-01T12:00:00Z');
const TEN_MINUTES = 10 * 60_000;
const keyA = randomBytes(32);
const keyB = randomBytes(32);

function refusal(tokens: TryTokens, token: string, at = NOW): TryTokenError {
  try {
    tokens.verify(token, at);
  } catch (error) {
    expect(error).toBeInstanceOf(TryTokenError);
    const refused = error as TryTokenError;
    // The token is a live credential: it must never reach a log line through the message. (Short garbage such as
    // 'fft_' may appear in the format description by coincidence.)
    if (token.length > 20) expect(refused.message).not.toContain(token);
    return refused;
  }
  throw new Error('the token was accepted');
}

/** Replaces one character of `text` at `index` with a different base64url character. */
function flip(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

describe('try tokens', () => {
  it('returns the claims it was issued with, marked as a try token', () => {
    const tokens = new TryTokens([keyA]);
    const token = tokens.issue(CLAIMS, NOW, TEN_MINUTES);
    expect(token).toMatch(/^fft_[\w-]+\.[\w-]{43}$/);
    expect(tokens.verify(token, NOW)).toEqual(CLAIMS);
  });

  it('still accepts a token after its signing key moved second in a rotation', () => {
    const token = new TryTokens([keyA]).issue(CLAIMS, NOW, TEN_MINUTES);
    expect(new TryTokens([keyB, keyA]).verify(token, NOW)).toEqual(CLAIMS);
  });

  it('refuses a token signed with a key it does not have, naming the key id', () => {
    const token = new TryTokens([keyB]).issue(CLAIMS, NOW, TEN_MINUTES);
    expect(refusal(new TryTokens([keyA]), token).message).toMatch(/signed with key [0-9a-f]{16}, which is not among/);
  });

  it('refuses a token whose claims were altered to speak for another try', () => {
    const tokens = new TryTokens([keyA]);
    const token = tokens.issue(CLAIMS, NOW, TEN_MINUTES);
    const [body, signature] = token.slice('fft_'.length).split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, tiId: 'ti-43' })).toString('base64url');
    expect(refusal(tokens, `fft_${forged}.${signature}`).message).toMatch(/signature does not match/);
  });

  it('refuses a token whose signature was altered, even in the last character', () => {
    const tokens = new TryTokens([keyA]);
    const token = tokens.issue(CLAIMS, NOW, TEN_MINUTES);
    for (const index of [token.length - 43, token.length - 20, token.length - 1]) {
      expect(refusal(tokens, flip(token, index)).message).toMatch(/signature does not match/);
    }
  });

  it('accepts a token until its expiry and refuses it from then on, saying when it expired', () => {
    const tokens = new TryTokens([keyA]);
    const token = tokens.issue(CLAIMS, NOW, TEN_MINUTES);
    expect(tokens.verify(token, new Date(NOW.getTime() + TEN_MINUTES - 1))).toEqual(CLAIMS);
    const late = refusal(tokens, token, new Date(NOW.getTime() + TEN_MINUTES + 5_000));
    expect(late.message).toContain('expired at 2026-03-01T12:10:00.000Z (5 s ago)');
  });

  it('refuses a user API token, saying it is not a try token', () => {
    expect(refusal(new TryTokens([keyA]), `ff_${randomBytes(32).toString('base64url')}`).message).toMatch(/not a try token/);
  });

  it('refuses garbage without throwing anything but a TryTokenError', () => {
    const tokens = new TryTokens([keyA]);
    const notJson = `fft_${Buffer.from('{oops').toString('base64url')}.${'A'.repeat(43)}`;
    const noKid = `fft_${Buffer.from(JSON.stringify(CLAIMS)).toString('base64url')}.${'A'.repeat(43)}`;
    for (const bad of ['', 'fft_', 'fft_.', 'fft_abc', 'fft_abc.def', 'Bearer fft_x.y', notJson, noKid, 'fft_a.b.c', '\u0000']) {
      expect(refusal(tokens, bad).message).toMatch(/not a try token/);
    }
  });

  it('refuses a signed token whose claims miss a field, naming the field', () => {
    const tokens = new TryTokens([keyA]);
    const { taskId: _taskId, ...withoutTaskId } = CLAIMS;
    const token = tokens.issue(withoutTaskId as unknown as TryClaims, NOW, TEN_MINUTES);
    expect(refusal(tokens, token).message).toMatch(/claims are invalid: taskId/);
  });
});
