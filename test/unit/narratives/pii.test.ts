import { describe, expect, it } from 'vitest';
import {
  PII_WITHHOLD_CONFIDENCE,
  findPii,
  ibanMod97Valid,
  idnCheckDigitValid,
  luhnValid,
  withholdingPii,
  type PiiType,
} from '../../../src/narratives/pii.js';
import { EVASIVE_PII_FORMS } from '../../fixtures/pii-forms.js';

/** The withholding findings of a text as [type, matched text]. */
const withheld = (text: string) => withholdingPii(findPii(text)).map((f) => [f.type, text.slice(f.start, f.end)]);

describe('reference checksums', () => {
  // Validity of each reference number was checked outside our code, with Python big integers:
  //   int(''.join(str(int(c, 36)) for c in iban[4:] + iban[:4])) % 97 == 1
  it.each([
    ['MD24AG000225100013104168', 'SWIFT IBAN Registry, Republic of Moldova entry (example IBAN)'],
    ['GB29NWBK60161331926819', 'SWIFT IBAN Registry, United Kingdom entry (example IBAN)'],
    ['RO49AAAA1B31007593840000', 'SWIFT IBAN Registry, Romania entry (example IBAN)'],
    ['GB82WEST12345698765432', 'Wikipedia, "International Bank Account Number", validation example'],
  ])('accepts the IBAN %s (%s) by mod-97', (iban) => {
    expect(ibanMod97Valid(iban)).toBe(true);
  });

  it('rejects an IBAN with one digit changed (mod 97 = 28 for MD24…4169)', () => {
    expect(ibanMod97Valid('MD24AG000225100013104169')).toBe(false);
  });

  // Luhn, checked in Python: sum of digits with every second from the right doubled (minus 9 above 9) % 10 == 0.
  it.each([
    ['79927398713', 'Wikipedia, "Luhn algorithm", worked example'],
    ['4242424242424242', 'Stripe testing docs (docs.stripe.com/testing), Visa'],
    ['5555555555554444', 'Stripe testing docs, Mastercard'],
    ['378282246310005', 'Stripe testing docs, American Express'],
  ])('accepts %s (%s) by Luhn', (digits) => {
    expect(luhnValid(digits)).toBe(true);
  });

  it('rejects a card number with its last digit changed', () => {
    expect(luhnValid('4242424242424241')).toBe(false);
  });

  it('validates IDNO/IDNP check digits (weights 7, 3, 1 modulo 10)', () => {
    // python-stdnum, stdnum.md.idno doctest: 1008600038413 valid, 1008600038412 invalid.
    expect(idnCheckDigitValid('1008600038413')).toBe(true);
    expect(idnCheckDigitValid('1008600038412')).toBe(false);
    // By hand: 2·7+0+0+2·7+0+0+1·7+2·3+3·1+4·7+5·3+6·1 = 93 → check digit 3.
    expect(idnCheckDigitValid('2002001234563')).toBe(true);
    expect(idnCheckDigitValid('2002001234564')).toBe(false);
  });
});

describe('findPii positives', () => {
  it.each<[string, PiiType, string]>([
    ['IDNP: 2002001234563', 'idnp', '2002001234563'],
    ['Codul personal al ei este 2002001234564.', 'idnp', '2002001234564'],
    ['Buletinul are numărul 0982001234561.', 'idnp', '0982001234561'],
    ['IDNO 1008600038413 al firmei', 'idno', '1008600038413'],
    ['Codul fiscal al întreprinderii: 1008600038413.', 'idno', '1008600038413'],
    ['Numărul 2002001234563 apare în dosar.', 'idnp', '2002001234563'],
    ['Sună-mă la +373 69 123 456.', 'phone', '+373 69 123 456'],
    ['Telefon: +373-79-123-456', 'phone', '+373-79-123-456'],
    ['Contact 00373 69123456', 'phone', '00373 69123456'],
    ['Are mobilul 069123456.', 'phone', '069123456'],
    ['Numărul 079 123 456 e mereu deschis.', 'phone', '079 123 456'],
    ['tel: (022) 12-34-56', 'phone', '(022) 12-34-56'],
    ['telefon 22 123 456', 'phone', '22 123 456'],
    ['Scrie-i la ion.popescu@mail.md azi.', 'email', 'ion.popescu@mail.md'],
    ['Adresa: ion [at] mail [dot] md', 'email', 'ion [at] mail [dot] md'],
    ['Contul MD24AG000225100013104168.', 'iban', 'MD24AG000225100013104168'],
    ['Contul MD24 AG00 0225 1000 1310 4168 e activ.', 'iban', 'MD24 AG00 0225 1000 1310 4168'],
    ['Contul MD24AG000225100013104169.', 'iban', 'MD24AG000225100013104169'],
    ['Cont în Anglia: GB29NWBK60161331926819', 'iban', 'GB29NWBK60161331926819'],
    ['Cardul 4242 4242 4242 4242 expiră curând.', 'payment_card', '4242 4242 4242 4242'],
    ['Plătește cu 5555-5555-5555-4444.', 'payment_card', '5555-5555-5555-4444'],
    ['Numărul 378282246310005 e pe card.', 'payment_card', '378282246310005'],
    ['Codul poștal MD-2001.', 'postcode', 'MD-2001'],
    ['Chișinău, MD 2068.', 'postcode', 'MD 2068'],
    ['Locuiește în mun. Chișinău, MD 2012.', 'postcode', 'MD 2012'],
    ['Adresa: str. Florilor 5, MD2068 Chișinău', 'postcode', 'MD2068'],
    ['MD 3100, or. Bălți', 'postcode', 'MD 3100'],
    ['Codul poștal e MD 6501.', 'postcode', 'MD 6501'],
    ['Locuiește pe str. Ștefan cel Mare 12.', 'street_address', 'str. Ștefan cel Mare 12'],
    ['Adresa e strada Mihai Eminescu, nr. 5, lângă parc.', 'street_address', 'strada Mihai Eminescu, nr. 5'],
    ['Bulevardul Moscova 11 e aproape.', 'street_address', 'Bulevardul Moscova 11'],
    ['Locuiește la ap. 45, la etajul doi.', 'street_address', 'ap. 45'],
    ['Citește https://exemplu.md/pagina zilnic.', 'url', 'https://exemplu.md/pagina'],
    ['Vezi www.exemplu.md pentru detalii.', 'url', 'www.exemplu.md'],
    ['Vizitați magazin-online.com acum.', 'url', 'magazin-online.com'],
  ])('finds in %j a %s: %j', (text, type, match) => {
    expect(withheld(text)).toContainEqual([type, match]);
  });

  it('reports where a finding is, with a confidence in [0, 1]', () => {
    expect(findPii('Sună-mă la +373 69 123 456.')).toEqual([{ type: 'phone', start: 11, end: 26, confidence: 0.99 }]);
  });

  it('lets the most confident of overlapping findings win (an e-mail domain is not also a URL)', () => {
    expect(findPii('ion@mail.md').map((f) => f.type)).toEqual(['email']);
  });
});

describe('findPii negatives', () => {
  it.each([
    'numărul de serie 1234567890123 al produsului',
    'Costă 1 250 lei.',
    'Prețul este 12.500,00 MDL.',
    'În 2024 a plecat la Chișinău.',
    'Maria are 34 de ani.',
    'Producția a crescut cu 45%.',
    'Între 1990 și 2024 a lucrat la fabrică.',
    'În anii 1990 2000 2010 2006 s-a mutat des.',
    'Are trei copii, două vaci ș.a.m.d.',
    'Locuiește în mun. Chișinău.',
    'Este elevă în clasa a V-a.',
    'Se trezește la ora 06:30.',
    'Orașul are 2 000 000 de locuitori.',
    'Cardul 4242 4242 4242 4241 e doar o glumă.',
    'Îi place să se plimbe pe strada principală a satului.',
    'Merge pe strada Florilor în fiecare seară.',
    'A urmat cursuri la universitate în anii 2010-2014.',
    // Postcode-shaped, but no street, locality or "cod poștal" near it: a model or product code.
    'Modelul MD 2000 e vechi.',
    'Modelul MD2000 e vechi, dar încă merge.',
    'Cel mai bun an, MD 2000 a fost la fabrică.',
    // An @ that is not in an address: no local part, no domain or no top-level domain.
    'Vine la ora 10@ fix.',
    'Pe forum semnează @ion_popescu.',
    'Scria ion@acasa pe caiet.',
    // Mod-97 fails and the string is not IBAN-shaped (an MD IBAN is MD + 2 digits + 20
    // alphanumerics; one of that shape is withheld even when the checksum fails, see above).
    'Codul produsului MD12ABC345 e pe cutie.',
    'Seria MD24 AG00 0225 1000 1310 416 e incompletă.',
    // Another country's IBAN is recognised by mod-97 only: GB29NWBK60161331926819 with its last digit changed.
    'Cont în Anglia: GB29NWBK60161331926818',
  ])('finds nothing to withhold in %j', (text) => {
    expect(withheld(text)).toEqual([]);
  });

  it('reports a bare "MD 2000" in prose as a postcode below the threshold', () => {
    const found = findPii('Modelul MD 2000 e vechi');
    expect(found).toEqual([{ type: 'postcode', start: 8, end: 15, confidence: 0.3 }]);
    expect(found[0]!.confidence).toBeLessThan(PII_WITHHOLD_CONFIDENCE);
  });

  it('checks the mod-97 negatives really fail mod-97', () => {
    expect(ibanMod97Valid('GB29NWBK60161331926818')).toBe(false);
    expect(ibanMod97Valid('MD12ABC345')).toBe(false);
  });

  it('keeps a bare 13-digit number without context or structure below the threshold', () => {
    const [found] = findPii('numărul de serie 1234567890123 al produsului');
    expect(found?.confidence).toBeLessThan(PII_WITHHOLD_CONFIDENCE);
  });
});

describe('findPii on evasive spellings (issue #14, item 6)', () => {
  it.each(EVASIVE_PII_FORMS)('withholds %s, and points at it in the original text', (_label, form) => {
    const text = `Maria are 34 de ani. Detalii: ${form}, oricând.`;
    const start = text.indexOf(form);
    const found = withholdingPii(findPii(text)).filter((f) => f.start < start + form.length && start < f.end);
    expect(found, JSON.stringify(findPii(text))).not.toEqual([]);
    // Offsets are into the text as given (format characters and other-script digits included).
    for (const f of found) expect(f.start >= start - 1 && f.end <= start + form.length + 1, JSON.stringify(f)).toBe(true);
  });

  it('maps offsets back through removed format characters and wider digits', () => {
    const text = 'Tel: ０６９\u00AD１２３\u200B４５６ acasă';
    const [found] = withholdingPii(findPii(text));
    expect(found).toMatchObject({ type: 'phone', start: 5 });
    expect(text.slice(found!.start, found!.end)).toBe('０６９\u00AD１２３\u200B４５６');
  });
});

describe('findPii negatives in ordinary Romanian (kept with the wider recognisers)', () => {
  it.each([
    'Bugetul proiectului este de 69 500 000 de lei.',
    'Prețul a ajuns la 72 345 678 MDL.',
    'Satul are 2 423 287 de locuitori, spune raportul.',
    'Pe 12/05/2024 a plecat la Chișinău.',
    'Raportul 2023/2024 a fost publicat.',
    'Scorul a fost 3/4, apoi 1/2.',
    'Din punctul ei de vedere, totul e bine.',
    'Ajunge la punct fix, la ora opt.',
    'A pus punct discuției și a plecat acasă.',
    'Ea merge la piață, apoi acasă, la ora 8.',
    'Citește romanul „1984” în fiecare vară.',
    'A terminat facultatea cu media 9,50 în 2010.',
    'Lucrează în tura 06_00 – 14_00 la fabrică.',
    'Are numărul de participant 12_345 la maraton.',
    'Îi place muzica anilor 60 și 70, mai ales rockul.',
    'Ea predă matematica la clasele a 5-a și a 6-a.',
    'Se uită la meciuri at home, cum spune ea, de plăcere.',
  ])('finds nothing to withhold in %j', (text) => {
    expect(withheld(text)).toEqual([]);
  });
});

describe('findPii is linear in the text length (issue #14, item 5)', () => {
  // Each pattern is repeated to 1.7 MB; the quadratic overlap resolution took 37 s to minutes on these.
  it.each(['MD-2001 ', '069123456 ', 'a@b.md ', 'x.md ', 'ap. 1 ', 'str. A 1, ', '+373 69 123 456 ', 'MD24AG000225100013104168 ', '2002001234563 ', 'ion arond mail punct md '])(
    'scans 1.7 MB of %j in well under a second',
    (pattern) => {
      const text = pattern.repeat(Math.ceil(1_700_000 / pattern.length));
      const started = performance.now();
      const found = findPii(text);
      const elapsed = performance.now() - started;
      expect(found.length).toBeGreaterThan(1_000);
      // Non-overlapping, in text order.
      expect(found.every((f, i) => i === 0 || f.start >= found[i - 1]!.end)).toBe(true);
      expect(elapsed, `${elapsed.toFixed(0)} ms`).toBeLessThan(3_000);
    },
  );
});
