// The names RE2 (Go's regexp/syntax, as Alertmanager is built with Go 1.25) takes in \p{…}: Unicode general
// categories by short name or alias, scripts, and Any, ASCII and Assigned, looked up as Go looks them up —
// ignoring case, spaces, underscores and hyphens. Each is turned into the set JavaScript writes for it. Scripts
// named in several words (Old_Italic) are taken in any such spelling, where Go's lookup, canonicalizing the
// name before looking in a table keyed Old_Italic, seems to miss them.
import type { CharPart } from './re2-charset.js';

// Unicode 15.0's scripts, as Go's unicode.Scripts names them (JavaScript's Script= takes the same names).
const SCRIPTS = `Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali
Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian Chakma Cham
Cherokee Chorasmian Common Coptic Cuneiform Cypriot Cypro_Minoan Cyrillic Deseret Devanagari Dives_Akuru Dogra
Duployan Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati
Gunjala_Gondi Gurmukhi Han Hangul Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic Inherited
Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kawi Kayah_Li Kharoshthi
Khitan_Small_Script Khmer Khojki Khudawadi Lao Latin Lepcha Limbu Linear_A Linear_B Lisu Lycian Lydian Mahajani
Makasar Malayalam Mandaic Manichaean Marchen Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui
Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi Mongolian Mro Multani Myanmar Nabataean Nag_Mundari Nandinagari
New_Tai_Lue Newa Nko Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Old_Hungarian Old_Italic Old_North_Arabian
Old_Permic Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur Oriya Osage Osmanya Pahawh_Hmong
Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan Saurashtra Sharada Shavian
Siddham SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le
Tai_Tham Tai_Viet Takri Tamil Tangsa Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Toto Ugaritic Vai
Vithkuqi Wancho Warang_Citi Yezidi Yi Zanabazar_Square`;

const CATEGORIES = `C Cc Cf Cn Co Cs L LC Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl
Zp Zs`;

// Unicode's long names for the categories (PropertyValueAliases.txt), which Go 1.25 also takes.
const ALIASES = `Cased_Letter=LC Close_Punctuation=Pe Combining_Mark=M Connector_Punctuation=Pc Control=Cc
Currency_Symbol=Sc Dash_Punctuation=Pd Decimal_Number=Nd Enclosing_Mark=Me Final_Punctuation=Pf Format=Cf
Initial_Punctuation=Pi Letter=L Letter_Number=Nl Line_Separator=Zl Lowercase_Letter=Ll Mark=M Math_Symbol=Sm
Modifier_Letter=Lm Modifier_Symbol=Sk Nonspacing_Mark=Mn Number=N Open_Punctuation=Ps Other=C Other_Letter=Lo
Other_Number=No Other_Punctuation=Po Other_Symbol=So Paragraph_Separator=Zp Private_Use=Co Punctuation=P
Separator=Z Space_Separator=Zs Spacing_Mark=Mc Surrogate=Cs Symbol=S Titlecase_Letter=Lt Unassigned=Cn
Uppercase_Letter=Lu cntrl=Cc digit=Nd punct=P`;

/** Go's canonical lookup form: a leading capital, the rest lower case, no spaces, underscores or hyphens. */
const canonical = (name: string): string => {
  const bare = name.replace(/[ _-]/g, '');
  return bare.slice(0, 1).toUpperCase() + bare.slice(1).toLowerCase();
};

const category = (short: string): CharPart =>
  // Go's C (other) is Cc, Cf, Co and Cs; JavaScript's also holds the unassigned code points (Cn).
  short === 'C'
    ? { neg: false, ranges: [], props: ['\\p{Cc}', '\\p{Cf}', '\\p{Co}', '\\p{Cs}'] }
    : { neg: false, ranges: [], props: [`\\p{${short}}`] };

let table: Map<string, CharPart> | undefined;

function names(): Map<string, CharPart> {
  if (table) return table;
  table = new Map<string, CharPart>([
    ['Any', { neg: false, ranges: [[0, 0x10ffff]], props: [] }],
    ['Ascii', { neg: false, ranges: [[0, 0x7f]], props: [] }],
    ['Assigned', { neg: true, ranges: [], props: ['\\p{Cn}'] }],
  ]);
  for (const short of CATEGORIES.split(/\s+/)) table.set(canonical(short), category(short));
  for (const pair of ALIASES.split(/\s+/)) {
    const [alias, short] = pair.split('=') as [string, string];
    table.set(canonical(alias), category(short));
  }
  for (const script of SCRIPTS.split(/\s+/)) table.set(canonical(script), { neg: false, ranges: [], props: [`\\p{Script=${script}}`] });
  return table;
}

/** The set a \p{name} stands for, or undefined when RE2 knows no such name. */
export const unicodeClass = (name: string): CharPart | undefined => names().get(canonical(name));
