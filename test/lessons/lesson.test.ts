import { describe, expect, it } from 'vitest';
import { curlFor } from '../../lessons/lesson.ts';

const base = 'http://127.0.0.1:8007/';

describe('curlFor', () => {
  it('prints a GET with -i', () => {
    expect(curlFor({ note: '', path: '/form' }, base)).toBe('curl -i http://127.0.0.1:8007/form');
  });

  it('uses -I for HEAD and -X for other methods', () => {
    expect(curlFor({ note: '', method: 'HEAD', path: '/' }, base)).toBe('curl -I http://127.0.0.1:8007/');
    expect(curlFor({ note: '', method: 'DELETE', path: '/x' }, base)).toBe('curl -i -X DELETE http://127.0.0.1:8007/x');
  });

  it('lets curl choose POST when data is sent, and says POST when none is', () => {
    expect(curlFor({ note: '', method: 'POST', path: '/f', form: { 'the-field': '<b>hi</b>' } }, base))
      .toBe("curl -i --data-urlencode 'the-field=<b>hi</b>' http://127.0.0.1:8007/f");
    expect(curlFor({ note: '', method: 'POST', path: '/f', form: {} }, base)).toBe('curl -i -X POST http://127.0.0.1:8007/f');
    expect(curlFor({ note: '', method: 'PUT', path: '/f', body: '{"a":1}', headers: { 'content-type': 'application/json' } }, base))
      .toBe(`curl -i -X PUT -H 'content-type: application/json' --data-binary '{"a":1}' http://127.0.0.1:8007/f`);
  });

  it('puts the server\'s own URL where a header says {base}, so a Referer follows PORT', () => {
    expect(curlFor({ note: '', path: '/about', headers: { referer: '{base}' } }, 'http://127.0.0.1:9014/'))
      .toBe("curl -i -H 'referer: http://127.0.0.1:9014/' http://127.0.0.1:9014/about");
  });

  it('quotes single quotes safely for the shell', () => {
    expect(curlFor({ note: '', path: "/it's" }, base)).toBe(`curl -i 'http://127.0.0.1:8007/it'\\''s'`);
  });
});
