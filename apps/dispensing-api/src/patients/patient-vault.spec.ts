import { randomBytes } from 'node:crypto';
import { PatientVault } from './patient-vault';

const keys = { dataKey: randomBytes(32), refKey: randomBytes(32) };
const data = { name: '李华', nationalId: '46000019900101123X', birthDate: '1990-01-01' };

describe('PatientVault', () => {
  it('gives one stable reference per national ID, whatever its spacing or case', () => {
    const vault = new PatientVault(keys);
    const ref = vault.referenceOf(data.nationalId);
    expect(ref).toMatch(/^pt-[0-9a-f]{32}$/);
    expect(vault.referenceOf(' 46000019900101123x ')).toBe(ref);
    expect(vault.referenceOf('460000199001011231')).not.toBe(ref);
    expect(
      new PatientVault({ ...keys, refKey: randomBytes(32) }).referenceOf(data.nationalId),
    ).not.toBe(ref);
  });

  it('seals personal data so that only its own row, with the key, opens it', () => {
    const vault = new PatientVault(keys);
    const sealed = vault.seal(data, 'pt-1', 'HOSP-1');
    expect(sealed.toString('utf8')).not.toContain('李华');
    expect(sealed.toString('latin1')).not.toContain(data.nationalId);
    expect(vault.open(sealed, 'pt-1', 'HOSP-1')).toEqual(data);
    expect(() => vault.open(sealed, 'pt-2', 'HOSP-1')).toThrow();
    expect(() =>
      new PatientVault({ ...keys, dataKey: randomBytes(32) }).open(sealed, 'pt-1', 'HOSP-1'),
    ).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => vault.open(tampered, 'pt-1', 'HOSP-1')).toThrow();
  });
});
