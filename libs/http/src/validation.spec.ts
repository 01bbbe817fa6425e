import { ArrayMinSize, IsArray, IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { createValidationPipe, listInList } from './validation';

class Association {
  @IsString() scan!: string;
}
class Associations {
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => Association)
  associations!: Association[];
}

describe('the validation pipe', () => {
  const pipe = createValidationPipe();
  const validate = (value: unknown) =>
    pipe.transform(value, { type: 'body', metatype: Associations });

  it('refuses a list where a list of objects belongs (class-validator alone lets it through)', async () => {
    for (const associations of [[[]], [[{ scan: 'x' }]], [{ scan: 'x' }, []]]) {
      await expect(validate({ associations })).rejects.toMatchObject({
        problem: { status: 400, code: 'VALIDATION_FAILED' },
      });
    }
  });

  it('takes a list of objects', async () => {
    await expect(validate({ associations: [{ scan: 'x' }] })).resolves.toBeInstanceOf(Associations);
  });

  it('names where a list holds a list, and finds none in lists of objects or strings', () => {
    expect(listInList({ a: [{ b: [['x']] }] })).toBe('a.0.b.0');
    expect(listInList({ a: [{ b: ['x'] }], c: { d: [1, 2] } })).toBeNull();
  });
});
