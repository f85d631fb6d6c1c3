/**
 * Recall records built to make identifier extraction slow, wrong or unsafe: each is what a
 * hostile or broken feed could send. The unit tests check what comes out of them; the
 * identifiers benchmark times them.
 */
export const HOSTILE_RECALLS: Record<string, Record<string, unknown>> = {
  '100 KB of codes': { Description: 'model number AB123, '.repeat(5000) },
  'a "model" that is a whole sentence': {
    Description: 'Model number is a very long sentence that goes on and on without any code in it at all. '.repeat(1000),
  },
  'markup around identifiers': {
    Description: 'Model <b>XY-99</b> and "<img src=x onerror=alert(1)>AB-12" printed. Brand: <script>alert(1)</script>Evil. Sold on <i>Amazon</i>.',
  },
  'one long code': { Description: `model ${'A1'.repeat(50_000)}` },
  'quotes and digits': { Description: `${'"'.repeat(30_000)}${'1'.repeat(30_000)}${'A1-'.repeat(20_000)}` },
  'a printed name that is a pattern': {
    Description: 'The text "x(x+x+)+y" is printed on the lid. The word "a(" is printed too.',
    Products: [{ Name: `${'x'.repeat(40)}!` }],
  },
  'a title that backtracks': { Title: `${'sold by '.repeat(12_000)};` },
  'a title of firms': { Title: 'X Recalls '.repeat(10_000) },
  'a long s': { Description: 'The heaters were sold on ſhein from May 2025.', Retailers: [{ Name: 'Online at ſhop.ſhein.com' }] },
  'labels without end': {
    Description: 'lot '.repeat(25_000),
    Images: Array.from({ length: 10 }, (_, i) => ({ URL: `https://www.cpsc.gov/${i}.jpg`, Caption: 'lot '.repeat(5000) })),
  },
  'one long capital word': { Description: `A${'1'.repeat(99_999)} models` },
  'capitals without spaces': { Description: 'ÀA'.repeat(50_000) },
  'many marked names': { Images: Array.from({ length: 10 }, (_, i) => ({ URL: `https://www.cpsc.gov/${i}.jpg`, Caption: 'Qwz Def® '.repeat(2000) })) },
  'many long products': {
    Products: Array.from({ length: 40 }, (_, i) => ({ Name: `Brandname${i} ${'word '.repeat(400)}`, Description: 'Brandname-branded '.repeat(100) })),
  },
  'thousands of UPCs': { ProductUPCs: Array.from({ length: 8000 }, () => ({ UPC: '036000291452' })) },
  'control and format characters': {
    Description: 'Brand: "Acme\u202Etxt.exe" and model "AB\u200B12" printed.',
    Products: [{ Name: `<script>alert(1)</script>\u001b]0;pwn\u0007${'n'.repeat(500)}` }],
    Manufacturers: [{ Name: '&lt;b&gt;Evil\u001b[2J' }],
    ProductUPCs: [{ UPC: '<img src=x onerror=alert(1)>\u001b[31mRED\u0007' }, { UPC: '036000291452' }],
  },
  'a wish list': { Retailers: [{ Name: 'Sold online at Amazon.com, wish lists and gift shops.' }] },
};
