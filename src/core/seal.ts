// AES-256-GCM under a key derived from TRELLIS_SECRET, one key per purpose:
// what the data file or database alone must not reveal (who raised a concern,
// who a queued message is for) is sealed with this. A tampered value opens nothing.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const keys = new Map<string, Buffer>();
const keyFor = (secret: string, purpose: string) => {
  const id = `${purpose}\u0000${secret}`;
  let key = keys.get(id);
  if (!key) keys.set(id, (key = Buffer.from(hkdfSync('sha256', secret, 'trellis', purpose, 32))));
  return key;
};

export function seal(secret: string, purpose: string, value: unknown): string {
  return sealText(secret, purpose, JSON.stringify(value));
}

export function unseal<T>(secret: string, purpose: string, sealed: string): T | undefined {
  const text = unsealText(secret, purpose, sealed);
  try {
    return text === undefined ? undefined : (JSON.parse(text) as T);
  } catch {
    return undefined;
  }
}

/** For text already serialised (the lowdb journal joins JSON it has already written). */
export function sealText(secret: string, purpose: string, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret, purpose), iv);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function unsealText(secret: string, purpose: string, sealed: string): string | undefined {
  try {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secret, purpose), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
