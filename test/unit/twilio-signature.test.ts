// Firewatch's check of X-Twilio-Signature against Twilio's documented example and the emulator's signing,
// which is written separately (src/ never imports test code).
import { describe, expect, it } from 'vitest';
import { expectedTwilioSignature, verifyTwilioSignature } from '../../src/http/twilio-signature.js';
import { twilioSignature } from '../support/twilio-emulator/index.js';

const token = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const params = { To: '+15005550006', From: '+4915112345678', Body: 'ACK', AccountSid: 'AC0123' };

describe('the X-Twilio-Signature check', () => {
  it('computes Twilio’s documented example: the URL with its query, then the parameters sorted by name', () => {
    const example = new URLSearchParams({
      Digits: '1234',
      To: '+18005551212',
      From: '+12349013030',
      Caller: '+12349013030',
      CallSid: 'CA1234567890ABCDE',
    });
    expect(expectedTwilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', example)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('accepts what Twilio signed, and nothing with another token, URL, query or parameter', () => {
    const url = 'https://firewatch.example.com/twilio/voice?page=4&user=U0ALICE';
    const signature = twilioSignature(token, url, params);
    const form = new URLSearchParams(params);
    expect(verifyTwilioSignature(token, url, form, signature)).toBe(true);
    expect(verifyTwilioSignature('another-token', url, form, signature)).toBe(false);
    expect(verifyTwilioSignature(token, url.replace('page=4', 'page=5'), form, signature)).toBe(false);
    expect(verifyTwilioSignature(token, 'https://firewatch.example.com/twilio/voice', form, signature)).toBe(false);
    expect(verifyTwilioSignature(token, url, new URLSearchParams({ ...params, Body: '1' }), signature)).toBe(false);
    expect(verifyTwilioSignature(token, url, form, undefined)).toBe(false);
    expect(verifyTwilioSignature(token, url, form, [signature, signature])).toBe(false);
    expect(verifyTwilioSignature(undefined, url, form, signature)).toBe(false);
  });

  it('accepts a signature over the URL with or without the scheme’s standard port, as Twilio signs either', () => {
    const form = new URLSearchParams(params);
    const withPort = twilioSignature(token, 'https://firewatch.example.com:443/twilio/sms', params);
    expect(verifyTwilioSignature(token, 'https://firewatch.example.com/twilio/sms', form, withPort)).toBe(true);
    const withoutPort = twilioSignature(token, 'https://firewatch.example.com/twilio/sms', params);
    expect(verifyTwilioSignature(token, 'https://firewatch.example.com:443/twilio/sms', form, withoutPort)).toBe(true);
    const otherPort = twilioSignature(token, 'https://firewatch.example.com:8443/twilio/sms', params);
    expect(verifyTwilioSignature(token, 'https://firewatch.example.com/twilio/sms', form, otherPort)).toBe(false);
  });
});
