/**
 * The one country table of the plugin: ISO 3166-1 alpha-2 code ↔ English name, and the reading of what
 * a user types or copies into a country filter or variable. Pure.
 *
 * One spelling is shown everywhere: the ISO alpha-2 code in upper case (`DE`), as the exporter's
 * `country` label holds it (the API's `detail.country.iso_code`, upper-cased), with the name beside it
 * where there is room (`Country name` column, variable option `DE (Germany)`). The API's `country`
 * filter takes names (../shared/emnify-api.md §2.5: "country (e.g. `Germany`)"), so a code is sent as its
 * name. Accepted, ignoring case, accents and surrounding spaces: the code (`de`), the name (`germany`),
 * the shown form (`DE (Germany)`) and a few other common names (ALIASES).
 *
 * emnify-api.md gives one example of the API's country names ("Germany") and no list. The names here are
 * the English short names (CLDR, as browsers show them), "&" written "and", without commas (a comma
 * separates `q` criteria and cannot be sent). Where emnify spells a country differently, a filter on it
 * matches nothing: correct its name here (the old spelling can stay as an alias).
 */
import { FilterValidationError } from '@emnify-events/client';

/** [ISO 3166-1 alpha-2 code, English name]: the 249 assigned codes and XK (Kosovo, user-assigned, in wide use). */
export const COUNTRY_TABLE: ReadonlyArray<readonly [iso: string, name: string]> = [
  ['AD', 'Andorra'],
  ['AE', 'United Arab Emirates'],
  ['AF', 'Afghanistan'],
  ['AG', 'Antigua and Barbuda'],
  ['AI', 'Anguilla'],
  ['AL', 'Albania'],
  ['AM', 'Armenia'],
  ['AO', 'Angola'],
  ['AQ', 'Antarctica'],
  ['AR', 'Argentina'],
  ['AS', 'American Samoa'],
  ['AT', 'Austria'],
  ['AU', 'Australia'],
  ['AW', 'Aruba'],
  ['AX', 'Åland Islands'],
  ['AZ', 'Azerbaijan'],
  ['BA', 'Bosnia and Herzegovina'],
  ['BB', 'Barbados'],
  ['BD', 'Bangladesh'],
  ['BE', 'Belgium'],
  ['BF', 'Burkina Faso'],
  ['BG', 'Bulgaria'],
  ['BH', 'Bahrain'],
  ['BI', 'Burundi'],
  ['BJ', 'Benin'],
  ['BL', 'Saint Barthélemy'],
  ['BM', 'Bermuda'],
  ['BN', 'Brunei'],
  ['BO', 'Bolivia'],
  ['BQ', 'Caribbean Netherlands'],
  ['BR', 'Brazil'],
  ['BS', 'Bahamas'],
  ['BT', 'Bhutan'],
  ['BV', 'Bouvet Island'],
  ['BW', 'Botswana'],
  ['BY', 'Belarus'],
  ['BZ', 'Belize'],
  ['CA', 'Canada'],
  ['CC', 'Cocos (Keeling) Islands'],
  ['CD', 'Democratic Republic of the Congo'],
  ['CF', 'Central African Republic'],
  ['CG', 'Congo'],
  ['CH', 'Switzerland'],
  ['CI', "Côte d'Ivoire"],
  ['CK', 'Cook Islands'],
  ['CL', 'Chile'],
  ['CM', 'Cameroon'],
  ['CN', 'China'],
  ['CO', 'Colombia'],
  ['CR', 'Costa Rica'],
  ['CU', 'Cuba'],
  ['CV', 'Cape Verde'],
  ['CW', 'Curaçao'],
  ['CX', 'Christmas Island'],
  ['CY', 'Cyprus'],
  ['CZ', 'Czech Republic'],
  ['DE', 'Germany'],
  ['DJ', 'Djibouti'],
  ['DK', 'Denmark'],
  ['DM', 'Dominica'],
  ['DO', 'Dominican Republic'],
  ['DZ', 'Algeria'],
  ['EC', 'Ecuador'],
  ['EE', 'Estonia'],
  ['EG', 'Egypt'],
  ['EH', 'Western Sahara'],
  ['ER', 'Eritrea'],
  ['ES', 'Spain'],
  ['ET', 'Ethiopia'],
  ['FI', 'Finland'],
  ['FJ', 'Fiji'],
  ['FK', 'Falkland Islands'],
  ['FM', 'Micronesia'],
  ['FO', 'Faroe Islands'],
  ['FR', 'France'],
  ['GA', 'Gabon'],
  ['GB', 'United Kingdom'],
  ['GD', 'Grenada'],
  ['GE', 'Georgia'],
  ['GF', 'French Guiana'],
  ['GG', 'Guernsey'],
  ['GH', 'Ghana'],
  ['GI', 'Gibraltar'],
  ['GL', 'Greenland'],
  ['GM', 'Gambia'],
  ['GN', 'Guinea'],
  ['GP', 'Guadeloupe'],
  ['GQ', 'Equatorial Guinea'],
  ['GR', 'Greece'],
  ['GS', 'South Georgia and South Sandwich Islands'],
  ['GT', 'Guatemala'],
  ['GU', 'Guam'],
  ['GW', 'Guinea-Bissau'],
  ['GY', 'Guyana'],
  ['HK', 'Hong Kong'],
  ['HM', 'Heard Island and McDonald Islands'],
  ['HN', 'Honduras'],
  ['HR', 'Croatia'],
  ['HT', 'Haiti'],
  ['HU', 'Hungary'],
  ['ID', 'Indonesia'],
  ['IE', 'Ireland'],
  ['IL', 'Israel'],
  ['IM', 'Isle of Man'],
  ['IN', 'India'],
  ['IO', 'British Indian Ocean Territory'],
  ['IQ', 'Iraq'],
  ['IR', 'Iran'],
  ['IS', 'Iceland'],
  ['IT', 'Italy'],
  ['JE', 'Jersey'],
  ['JM', 'Jamaica'],
  ['JO', 'Jordan'],
  ['JP', 'Japan'],
  ['KE', 'Kenya'],
  ['KG', 'Kyrgyzstan'],
  ['KH', 'Cambodia'],
  ['KI', 'Kiribati'],
  ['KM', 'Comoros'],
  ['KN', 'Saint Kitts and Nevis'],
  ['KP', 'North Korea'],
  ['KR', 'South Korea'],
  ['KW', 'Kuwait'],
  ['KY', 'Cayman Islands'],
  ['KZ', 'Kazakhstan'],
  ['LA', 'Laos'],
  ['LB', 'Lebanon'],
  ['LC', 'Saint Lucia'],
  ['LI', 'Liechtenstein'],
  ['LK', 'Sri Lanka'],
  ['LR', 'Liberia'],
  ['LS', 'Lesotho'],
  ['LT', 'Lithuania'],
  ['LU', 'Luxembourg'],
  ['LV', 'Latvia'],
  ['LY', 'Libya'],
  ['MA', 'Morocco'],
  ['MC', 'Monaco'],
  ['MD', 'Moldova'],
  ['ME', 'Montenegro'],
  ['MF', 'Saint Martin (French part)'],
  ['MG', 'Madagascar'],
  ['MH', 'Marshall Islands'],
  ['MK', 'North Macedonia'],
  ['ML', 'Mali'],
  ['MM', 'Myanmar'],
  ['MN', 'Mongolia'],
  ['MO', 'Macao'],
  ['MP', 'Northern Mariana Islands'],
  ['MQ', 'Martinique'],
  ['MR', 'Mauritania'],
  ['MS', 'Montserrat'],
  ['MT', 'Malta'],
  ['MU', 'Mauritius'],
  ['MV', 'Maldives'],
  ['MW', 'Malawi'],
  ['MX', 'Mexico'],
  ['MY', 'Malaysia'],
  ['MZ', 'Mozambique'],
  ['NA', 'Namibia'],
  ['NC', 'New Caledonia'],
  ['NE', 'Niger'],
  ['NF', 'Norfolk Island'],
  ['NG', 'Nigeria'],
  ['NI', 'Nicaragua'],
  ['NL', 'Netherlands'],
  ['NO', 'Norway'],
  ['NP', 'Nepal'],
  ['NR', 'Nauru'],
  ['NU', 'Niue'],
  ['NZ', 'New Zealand'],
  ['OM', 'Oman'],
  ['PA', 'Panama'],
  ['PE', 'Peru'],
  ['PF', 'French Polynesia'],
  ['PG', 'Papua New Guinea'],
  ['PH', 'Philippines'],
  ['PK', 'Pakistan'],
  ['PL', 'Poland'],
  ['PM', 'Saint Pierre and Miquelon'],
  ['PN', 'Pitcairn'],
  ['PR', 'Puerto Rico'],
  ['PS', 'Palestine'],
  ['PT', 'Portugal'],
  ['PW', 'Palau'],
  ['PY', 'Paraguay'],
  ['QA', 'Qatar'],
  ['RE', 'Réunion'],
  ['RO', 'Romania'],
  ['RS', 'Serbia'],
  ['RU', 'Russia'],
  ['RW', 'Rwanda'],
  ['SA', 'Saudi Arabia'],
  ['SB', 'Solomon Islands'],
  ['SC', 'Seychelles'],
  ['SD', 'Sudan'],
  ['SE', 'Sweden'],
  ['SG', 'Singapore'],
  ['SH', 'Saint Helena'],
  ['SI', 'Slovenia'],
  ['SJ', 'Svalbard and Jan Mayen'],
  ['SK', 'Slovakia'],
  ['SL', 'Sierra Leone'],
  ['SM', 'San Marino'],
  ['SN', 'Senegal'],
  ['SO', 'Somalia'],
  ['SR', 'Suriname'],
  ['SS', 'South Sudan'],
  ['ST', 'São Tomé and Príncipe'],
  ['SV', 'El Salvador'],
  ['SX', 'Sint Maarten (Dutch part)'],
  ['SY', 'Syria'],
  ['SZ', 'Eswatini'],
  ['TC', 'Turks and Caicos Islands'],
  ['TD', 'Chad'],
  ['TF', 'French Southern Territories'],
  ['TG', 'Togo'],
  ['TH', 'Thailand'],
  ['TJ', 'Tajikistan'],
  ['TK', 'Tokelau'],
  ['TL', 'Timor-Leste'],
  ['TM', 'Turkmenistan'],
  ['TN', 'Tunisia'],
  ['TO', 'Tonga'],
  ['TR', 'Turkey'],
  ['TT', 'Trinidad and Tobago'],
  ['TV', 'Tuvalu'],
  ['TW', 'Taiwan'],
  ['TZ', 'Tanzania'],
  ['UA', 'Ukraine'],
  ['UG', 'Uganda'],
  ['UM', 'United States Minor Outlying Islands'],
  ['US', 'United States'],
  ['UY', 'Uruguay'],
  ['UZ', 'Uzbekistan'],
  ['VA', 'Vatican City'],
  ['VC', 'Saint Vincent and Grenadines'],
  ['VE', 'Venezuela'],
  ['VG', 'British Virgin Islands'],
  ['VI', 'U.S. Virgin Islands'],
  ['VN', 'Vietnam'],
  ['VU', 'Vanuatu'],
  ['WF', 'Wallis and Futuna'],
  ['WS', 'Samoa'],
  ['XK', 'Kosovo'],
  ['YE', 'Yemen'],
  ['YT', 'Mayotte'],
  ['ZA', 'South Africa'],
  ['ZM', 'Zambia'],
  ['ZW', 'Zimbabwe'],
];

/** Other names in common use (and the API filter's spelling where ours differs), by code. */
const ALIASES: ReadonlyArray<readonly [iso: string, names: readonly string[]]> = [
  ['BO', ['Bolivia, Plurinational State of']],
  ['CD', ['DR Congo', 'Congo, Democratic Republic of the', 'Congo - Kinshasa']],
  ['CG', ['Republic of the Congo', 'Congo - Brazzaville']],
  ['CI', ['Ivory Coast']],
  ['CV', ['Cabo Verde']],
  ['CZ', ['Czechia']],
  ['FM', ['Micronesia, Federated States of']],
  ['GB', ['UK', 'Great Britain', 'United Kingdom of Great Britain and Northern Ireland']],
  ['HK', ['Hong Kong SAR China']],
  ['IR', ['Iran, Islamic Republic of']],
  ['KP', ["Korea, Democratic People's Republic of"]],
  ['KR', ['Korea', 'Republic of Korea', 'Korea, Republic of']],
  ['LA', ["Lao People's Democratic Republic"]],
  ['MD', ['Moldova, Republic of']],
  ['MK', ['Macedonia']],
  ['MM', ['Burma', 'Myanmar (Burma)']],
  ['MO', ['Macau', 'Macao SAR China']],
  ['PS', ['Palestinian Territories', 'Palestine, State of']],
  ['RU', ['Russian Federation']],
  ['SY', ['Syrian Arab Republic']],
  ['SZ', ['Swaziland']],
  ['TR', ['Türkiye']],
  ['TW', ['Taiwan, Province of China']],
  ['TZ', ['Tanzania, United Republic of']],
  ['US', ['USA', 'United States of America']],
  ['VA', ['Holy See']],
  ['VE', ['Venezuela, Bolivarian Republic of']],
  ['VN', ['Viet Nam']],
];

/** Lower case, accents removed, typographic apostrophes plain, inner spaces collapsed: "Côte  d’Ivoire" → "cote d'ivoire". */
function key(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim().toLowerCase();
}

const NAME_BY_ISO = new Map(COUNTRY_TABLE.map(([iso, name]) => [iso, name]));
const ISO_BY_KEY = new Map<string, string>([
  ...COUNTRY_TABLE.map(([iso, name]) => [key(name), iso] as const),
  ...ALIASES.flatMap(([iso, names]) => names.map((n) => [key(n), iso] as const)),
]);

/** `DE (Germany)`: the code, then anything in parentheses. */
const SHOWN = /^([A-Za-z]{2})\s*\((.*)\)$/;

/** The ISO code (upper case) of a code, a name or `CODE (Name)`, ignoring case; undefined when unknown. */
export function countryIso(text: string): string | undefined {
  const trimmed = text.trim();
  const shown = SHOWN.exec(trimmed);
  const code = (shown ? shown[1] : trimmed).toUpperCase();
  if (NAME_BY_ISO.has(code)) {
    return code;
  }
  return shown ? undefined : ISO_BY_KEY.get(key(trimmed));
}

/** The English name of an ISO code (any case); '' for an empty or unknown code. */
export function countryName(iso: string): string {
  return NAME_BY_ISO.get(iso.toUpperCase()) ?? '';
}

/** How a country shows where there is room for both: `DE (Germany)`; a code the table lacks as it is. */
export function countryLabel(iso: string): string {
  const name = countryName(iso);
  return name ? `${iso.toUpperCase()} (${name})` : iso;
}

/**
 * What the API's `country` filter takes for a value typed or copied by a user: the country's name.
 * Throws FilterValidationError naming the value and the forms accepted.
 */
export function countryFilterValue(text: string): string {
  const iso = countryIso(text);
  if (!iso) {
    throw new FilterValidationError(
      'country',
      `"${text.trim()}" is not a country: give its ISO 3166-1 alpha-2 code (e.g. DE) or its English name (e.g. Germany)`
    );
  }
  return NAME_BY_ISO.get(iso)!;
}
