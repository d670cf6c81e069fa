// Rules both stores share: key names, tags, key types, ids and DescribeKeyPairs filters, as REAL
// EC2 applies them (../shared/reference/ec2-semantics.md §3; moto 5.2.1 checks none of these).
//
// Limits enforced: key name 1..255 ASCII characters, no leading/trailing space (UG
// create-key-pairs), no control characters (our choice: a newline in a name would break the
// OpenSSH line and the table; EC2's exact rule is unknown); tags ≤ 50 per pair, key 1..128 and
// value ≤ 256 characters, `aws:` prefix reserved, no duplicate keys (UG Using_Tags); KeyType
// rsa|ed25519; RSA bits 2048|3072|4096; filters key-pair-id, fingerprint, key-name, tag-key,
// tag:<k> with `*` (zero or more) and `?` (zero or one) wildcards and backslash escapes
// (UG Using_Filtering).
//
// Message texts: EC2's verbatim where EC2's is known ("The keypair 'x' already exists.",
// "The key pair 'x' does not exist"), else the project's style (lower case, no final period).

import { Codes, Ec2KeysError } from '../errors.js';
import { MAX_KEY_NAME, MAX_TAGS, MAX_TAG_KEY, MAX_TAG_VALUE, type Filter, type KeyPairInfo, type KeyType, type Tag } from './types.js';

const show = (s: string) => JSON.stringify(s.length > 60 ? s.slice(0, 60) + '…' : s);

function invalid(message: string, hint?: string, target?: string): Ec2KeysError {
  return new Ec2KeysError(Codes.InvalidParameterValue, message, { hint, target });
}

/** Throws InvalidParameterValue unless `name` is a key name EC2 accepts. */
export function validateKeyName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') {
    throw invalid('key name is empty; EC2 needs a name of 1 to 255 ASCII characters', 'give the key pair a name, e.g. `ec2keys new my-key`');
  }
  if (name.length > MAX_KEY_NAME) {
    throw invalid(`key name ${show(name)} is ${name.length} characters long; EC2 accepts up to ${MAX_KEY_NAME} ASCII characters`, 'use a shorter name', name);
  }
  // eslint-disable-next-line no-control-regex
  const bad = /[^\x20-\x7e]/.exec(name);
  if (bad) {
    const c = bad[0];
    const cp = c.codePointAt(0)!;
    const what = cp < 0x20 || cp === 0x7f ? `control character U+${cp.toString(16).padStart(4, '0').toUpperCase()}` : `non-ASCII character "${c}"`;
    throw invalid(`key name ${show(name)} contains a ${what}; EC2 accepts printable ASCII characters only`, 'use letters, digits, spaces and ASCII punctuation', name);
  }
  if (name !== name.trim()) {
    throw invalid(`key name ${show(name)} starts or ends with a space; EC2 does not accept leading or trailing spaces`, 'remove the spaces around the name', name);
  }
}

export function validateKeyType(t: unknown): KeyType {
  if (t === undefined) return 'rsa';
  if (t === 'rsa' || t === 'ed25519') return t;
  throw invalid(`key type ${show(String(t))} is not supported; EC2 accepts rsa or ed25519`, 'use --type rsa (the default) or --type ed25519');
}

export function validateBits(bits: unknown, type: KeyType): 2048 | 3072 | 4096 {
  if (bits === undefined) return 2048;
  if (type !== 'rsa') throw invalid(`a key size (${String(bits)} bits) applies to RSA keys only; ED25519 keys have a fixed size`, 'leave out --bits for ED25519 keys');
  if (bits === 2048 || bits === 3072 || bits === 4096) return bits;
  throw invalid(`RSA key size ${String(bits)} is not supported; accepted sizes are 2048, 3072 and 4096 bits`, 'use --bits 2048 (the default), 3072 or 4096');
}

/** Unicode characters (code points), as EC2 counts tag lengths. */
const chars = (s: string) => [...s].length;

export function validateTags(tags: unknown): Tag[] {
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags)) throw invalid('tags must be a list of {Key, Value} pairs');
  if (tags.length > MAX_TAGS) {
    throw new Ec2KeysError(Codes.TagLimitExceeded, `${tags.length} tags given; EC2 allows at most ${MAX_TAGS} tags per key pair`, { hint: 'remove some --tag options' });
  }
  const seen = new Set<string>();
  return tags.map((t): Tag => {
    const key = (t as Tag | undefined)?.Key;
    const value = (t as Tag | undefined)?.Value ?? '';
    if (typeof key !== 'string' || key === '') {
      throw new Ec2KeysError(Codes.InvalidTagKey, 'a tag key is empty; tag keys need 1 to 128 characters', { hint: 'write tags as --tag Key=Value' });
    }
    if (typeof value !== 'string') throw invalid(`tag ${show(key)} has a value that is not text`);
    if (key.toLowerCase().startsWith('aws:')) {
      throw new Ec2KeysError(Codes.InvalidTagKey, `tag key ${show(key)} starts with "aws:", which is reserved for AWS`, { hint: 'choose a key without the aws: prefix', target: key });
    }
    if (chars(key) > MAX_TAG_KEY) throw invalid(`tag key ${show(key)} is ${chars(key)} characters long; at most ${MAX_TAG_KEY} are allowed`, undefined, key);
    if (chars(value) > MAX_TAG_VALUE) throw invalid(`the value of tag ${show(key)} is ${chars(value)} characters long; at most ${MAX_TAG_VALUE} are allowed`, undefined, key);
    if (seen.has(key)) throw invalid(`tag key ${show(key)} is given twice; each key may appear once`, undefined, key);
    seen.add(key);
    return { Key: key, Value: value };
  });
}

// ------------------------------------------------------------------ ids, times, errors

export const KEY_PAIR_ID = /^key-[0-9a-f]{17}$/;

export function duplicateError(name: string): Ec2KeysError {
  return new Ec2KeysError(Codes.Duplicate, `The keypair '${name}' already exists.`, {
    hint: 'choose another name, or remove the existing pair first with `ec2keys remove NAME`',
    target: name,
  });
}

/** Each distinct value once, in the order given. */
const distinct = (xs: string[]) => [...new Set(xs)];
const quoted = (xs: string[]) => xs.map((x) => `'${x}'`).join(', ');

/**
 * One missing name: EC2's exact text. Several (EC2's text for that is unknown, ec2-semantics.md
 * §6): every one named, in the order asked, in EC2's plural form — naming only the first made a
 * user fix one name, run again, and meet the next.
 */
export function notFoundName(name: string | string[]): Ec2KeysError {
  const names = distinct(typeof name === 'string' ? [name] : name);
  const message = names.length === 1 ? `The key pair '${names[0]}' does not exist` : `The key pairs ${quoted(names)} do not exist`;
  return new Ec2KeysError(Codes.NotFound, message, { hint: 'list the key pairs with `ec2keys get`', target: names.join(', ') });
}

export function notFoundId(id: string | string[]): Ec2KeysError {
  const ids = distinct(typeof id === 'string' ? [id] : id);
  const message = ids.length === 1 ? `The key pair ID '${ids[0]}' does not exist` : `The key pair IDs ${quoted(ids)} do not exist`;
  return new Ec2KeysError(Codes.NotFound, message, {
    hint: ids.every((i) => KEY_PAIR_ID.test(i)) ? 'list the key pairs with `ec2keys get`' : 'key pair ids look like key-0123456789abcdef0 (key- and 17 hex digits)',
    target: ids.join(', '),
  });
}

/** EC2's text (errors page) verbatim; the number goes in the hint. */
export function quotaError(quota: number): Ec2KeysError {
  return new Ec2KeysError(Codes.KeyPairLimitExceeded,
    "You've reached the limit on the number of key pairs that you can have in this AWS Region.",
    { hint: `a region holds at most ${quota} key pairs; remove those you no longer need with \`ec2keys remove NAME\`` });
}

// ------------------------------------------------------------------ filters

export const FILTER_NAMES = ['key-pair-id', 'fingerprint', 'key-name', 'tag-key', 'tag:<key>'];

/**
 * EC2 wildcard → anchored RegExp. `*` zero or more, `?` zero or one (not fnmatch's exactly one),
 * `\` makes the next character literal; a final lone backslash is literal.
 */
export function wildcardToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]);
    else if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]?';
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, 'u');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'); // only syntax characters may be escaped in /u mode
}

/** Check filter names (unknown → InvalidParameterValue "The filter 'x' is invalid") and values. */
export function validateFilters(filters: unknown): Filter[] {
  if (filters === undefined) return [];
  if (!Array.isArray(filters)) throw invalid('filters must be a list of {Name, Values}');
  return filters.map((f): Filter => {
    const name = (f as Filter | undefined)?.Name;
    const values = (f as Filter | undefined)?.Values;
    if (typeof name !== 'string' || !(FILTER_NAMES.includes(name) || (name.startsWith('tag:') && name.length > 4)) || name === 'tag:<key>') {
      throw new Ec2KeysError(Codes.InvalidParameterValue, `The filter '${String(name)}' is invalid`, {
        hint: `key pair filters are ${FILTER_NAMES.join(', ')} (names are case-sensitive)`,
        target: String(name),
      });
    }
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string')) {
      throw invalid(`the filter '${name}' has no values; give at least one, e.g. Name=${name},Values=VALUE`);
    }
    return { Name: name, Values: values };
  });
}

/** A predicate for already-validated filters: values ORed within a filter, filters ANDed. */
export function compileFilters(filters: Filter[]): (k: KeyPairInfo) => boolean {
  const tests = filters.map((f) => {
    const res = f.Values.map(wildcardToRegExp);
    const any = (s: string | undefined) => s !== undefined && res.some((r) => r.test(s));
    switch (f.Name) {
      case 'key-pair-id': return (k: KeyPairInfo) => any(k.KeyPairId);
      case 'fingerprint': return (k: KeyPairInfo) => any(k.KeyFingerprint);
      case 'key-name': return (k: KeyPairInfo) => any(k.KeyName);
      case 'tag-key': return (k: KeyPairInfo) => k.Tags.some((t) => any(t.Key));
      default: {
        const tagKey = f.Name.slice(4);
        return (k: KeyPairInfo) => k.Tags.some((t) => t.Key === tagKey && any(t.Value));
      }
    }
  });
  return (k) => tests.every((t) => t(k));
}
