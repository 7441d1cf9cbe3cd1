import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dohTxtResolver, parseTxtData, txtRecordsOf } from '../../web/src/lib/dohTxtResolver.js';
import { startDohServer, type DohServer } from '../helpers/dohServer.js';

/** The browser's TxtResolver over DNS-over-HTTPS (JSON API), run here in Node against a local resolver. */
describe('dohTxtResolver', () => {
  let doh: DohServer;
  beforeAll(async () => {
    doh = await startDohServer();
  });
  afterAll(async () => {
    await doh?.close();
  });

  it('reads TXT RDATA as its character strings: several, escaped, or bare', () => {
    expect(parseTxtData('"medproof chain=1" " registry=0xab"')).toEqual([
      'medproof chain=1',
      ' registry=0xab',
    ]);
    expect(parseTxtData('"say \\"hi\\" \\\\ \\065"')).toEqual(['say "hi" \\ A']);
    expect(parseTxtData('medproof chain=1')).toEqual(['medproof chain=1']);
  });

  it('NXDOMAIN and an empty answer are no records; SERVFAIL is an error; other types are left out', () => {
    expect(txtRecordsOf({ Status: 3 }, 'x.example')).toEqual([]);
    expect(txtRecordsOf({ Status: 0 }, 'x.example')).toEqual([]);
    expect(() => txtRecordsOf({ Status: 2 }, 'x.example')).toThrow('status 2');
    expect(
      txtRecordsOf(
        {
          Status: 0,
          Answer: [
            { type: 5, data: 'alias.example.' },
            { type: 16, data: '"a"' },
          ],
        },
        'x',
      ),
    ).toEqual([['a']]);
  });

  it('asks the resolver over HTTP: records, none, and a resolver that fails or is not there reject', async () => {
    doh.records.set('city-hospital.example', [['medproof chain=31337 ', 'registry=0x1'], ['v=spf1 -all']]);
    const resolver = dohTxtResolver(doh.url);
    expect(await resolver.resolveTxt('city-hospital.example')).toEqual([
      ['medproof chain=31337 ', 'registry=0x1'],
      ['v=spf1 -all'],
    ]);
    expect(await resolver.resolveTxt('nobody.example')).toEqual([]);
    await expect(resolver.resolveTxt('down.example')).rejects.toThrow('status 2');
    await expect(dohTxtResolver('http://127.0.0.1:9/dns-query').resolveTxt('a.example')).rejects.toThrow(
      'could not be reached',
    );
    expect(doh.asked).toEqual(['city-hospital.example', 'nobody.example', 'down.example']);
  });
});
