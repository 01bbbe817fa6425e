import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { PatientKeys } from '@trace/config';

export interface PersonalData {
  name: string;
  nationalId: string;
  /** 'YYYY-MM-DD' */
  birthDate: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Personal data in and out of its encrypted form, and the pseudonymous reference. The
 * reference is an HMAC of the national ID (upper-cased, spaces removed): stable per patient at
 * every hospital, meaningless without the key. The ciphertext is bound to its row (reference
 * and hospital as associated data), so it cannot be moved to another patient.
 */
export class PatientVault {
  constructor(private readonly keys: PatientKeys) {}

  referenceOf(nationalId: string): string {
    const normalised = nationalId.replace(/\s+/g, '').toUpperCase();
    const mac = createHmac('sha256', this.keys.refKey).update(normalised).digest('hex');
    return `pt-${mac.slice(0, 32)}`;
  }

  seal(data: PersonalData, patientRef: string, hospitalOrg: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.dataKey, iv);
    cipher.setAAD(Buffer.from(`${patientRef}\n${hospitalOrg}`));
    const body = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer, patientRef: string, hospitalOrg: string): PersonalData {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.keys.dataKey,
      sealed.subarray(0, IV_BYTES),
    );
    decipher.setAAD(Buffer.from(`${patientRef}\n${hospitalOrg}`));
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const text = Buffer.concat([
      decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
    return JSON.parse(text) as PersonalData;
  }
}
