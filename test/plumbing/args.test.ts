import { describe, expect, it } from 'vitest';
import { MAX_FORM_FIELDS, decodeFormComponent, parseMultipart, parseQueryArgs } from '../../lib/plumbing/args.ts';
import { percentDecode } from '../../lib/plumbing/url.ts';
import { Content } from '../../lib/plumbing/content.ts';

describe('parseQueryArgs', () => {
  it('follows Twisted: & and ; separate, blank values kept, bare names dropped, repeats collected', () => {
    expect(Object.fromEntries(parseQueryArgs('x=1&y=&z&x=2;w=3'))).toEqual({ x: ['1', '2'], y: [''], w: ['3'] });
  });

  it('decodes + as a space and percent escapes as UTF-8', () => {
    expect(parseQueryArgs('q=caf%C3%A9+au+lait&k%20ey=v').get('q')).toEqual(['café au lait']);
    expect(parseQueryArgs('k%20ey=v').get('k ey')).toEqual(['v']);
  });

  it(`security: refuses a form of more than ${MAX_FORM_FIELDS} fields with 413, and takes one of exactly that many`, () => {
    expect(parseQueryArgs('a=&'.repeat(MAX_FORM_FIELDS)).get('a')).toHaveLength(MAX_FORM_FIELDS);
    expect(() => parseQueryArgs('a=&'.repeat(MAX_FORM_FIELDS + 1))).toThrow(expect.objectContaining({ code: 'LOOM_ERR_BODY_TOO_LARGE', status: 413 }));
  });

  it('returns nothing for an empty string', () => {
    expect(parseQueryArgs('').size).toBe(0);
  });
});

describe('parseMultipart', () => {
  it('collects every field value and every file', async () => {
    const body = ['--b', 'Content-Disposition: form-data; name="a"', '', '1', '--b', 'Content-Disposition: form-data; name="a"', '', '2',
      '--b', 'Content-Disposition: form-data; name="f"; filename="x.bin"', 'Content-Type: application/octet-stream', '', 'BIN', '--b--', ''].join('\r\n');
    const form = await parseMultipart('multipart/form-data; boundary=b', Content.from(body));
    expect(form.fields.get('a')).toEqual(['1', '2']);
    expect(form.files.get('f')?.[0]).toMatchObject({ filename: 'x.bin', mimeType: 'application/octet-stream' });
    expect(form.files.get('f')?.[0]?.data.toString()).toBe('BIN');
  });

  it(`security: refuses a body of more than ${MAX_FORM_FIELDS} parts with 413`, async () => {
    const part = '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n';
    await expect(parseMultipart('multipart/form-data; boundary=b', Content.from(`${part.repeat(MAX_FORM_FIELDS + 1)}--b--\r\n`)))
      .rejects.toMatchObject({ code: 'LOOM_ERR_BODY_TOO_LARGE', status: 413 });
    const fine = await parseMultipart('multipart/form-data; boundary=b', Content.from(`${part.repeat(MAX_FORM_FIELDS)}--b--\r\n`));
    expect(fine.fields.get('a')).toHaveLength(MAX_FORM_FIELDS);
  });

  it('rejects a body with no boundary with a 400 LoomError', async () => {
    await expect(parseMultipart('multipart/form-data', Content.from('x'))).rejects.toMatchObject({ code: 'LOOM_ERR_BAD_REQUEST', status: 400 });
  });

  it('rejects a truncated body', async () => {
    await expect(parseMultipart('multipart/form-data; boundary=b', Content.from('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nunfinished')))
      .rejects.toMatchObject({ code: 'LOOM_ERR_BAD_REQUEST' });
  });
});
