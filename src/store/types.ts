// The KeyPairStore interface: the five EC2 key-pair calls (CreateKeyPair, ImportKeyPair,
// DescribeKeyPairs, DeleteKeyPair, GetPasswordData) with EC2's own PascalCase shapes, so that
// `--json` output is exactly what `aws ec2 …` prints. Two implementations: the embedded local
// registry (local.ts, follows REAL EC2, ../shared/reference/ec2-semantics.md §3) and EC2 itself
// (ec2.ts, @aws-sdk/client-ec2). Both pass the same test suite (test/store/contract.ts).
//
// Type-only file apart from the constants: importing it costs nothing at startup.

import type { PublicKey } from '../keys/model.js';

export type KeyType = 'rsa' | 'ed25519';
export type RsaBits = 2048 | 3072 | 4096;

export interface Tag {
  Key: string;
  Value: string;
}

export interface Filter {
  /** key-pair-id, fingerprint, key-name, tag-key or tag:<key> (case-sensitive). */
  Name: string;
  /** ORed; `*` = zero or more characters, `?` = zero or one, backslash escapes. */
  Values: string[];
}

export interface CreateKeyPairInput {
  KeyName: string;
  /** Default rsa. */
  KeyType?: KeyType;
  /** RSA only; default 2048. EC2's CreateKeyPair makes 2048-bit keys only: the EC2 store generates
   *  3072/4096 locally and imports them, so their fingerprint is the IMPORTED form (MD5 of SPKI). */
  Bits?: RsaBits;
  Tags?: Tag[];
}

export interface CreateKeyPairOutput {
  KeyPairId: string;
  KeyName: string;
  /** Created form: SHA-1 of the PKCS#8 DER for RSA, padded base64 SHA-256 of the SSH blob for ED25519. */
  KeyFingerprint: string;
  /** Unencrypted private key as EC2 returns it (PKCS#1 PEM for RSA, OpenSSH format for ED25519),
   *  always ending with one newline. Never stored by ec2keys. */
  KeyMaterial: string;
  Tags: Tag[];
}

export interface ImportKeyPairInput {
  KeyName: string;
  /** Already parsed by the caller from any supported format. */
  PublicKey: PublicKey;
  Tags?: Tag[];
}

export interface ImportKeyPairOutput {
  KeyPairId: string;
  KeyName: string;
  /** Imported form: MD5 of the DER SPKI (RSA), padded base64 SHA-256 of the SSH blob (ED25519). */
  KeyFingerprint: string;
  Tags: Tag[];
}

export interface BatchError {
  KeyName: string;
  Error: { Code: string; Message: string; Hint?: string };
}
export type ImportBatchResult = ImportKeyPairOutput | BatchError;

export interface DescribeKeyPairsInput {
  KeyNames?: string[];
  KeyPairIds?: string[];
  Filters?: Filter[];
  IncludePublicKey?: boolean;
}

export interface KeyPairInfo {
  KeyPairId: string;
  KeyFingerprint: string;
  KeyName: string;
  /** Real EC2 always says; moto omits it for pairs created without a KeyType (ec2-semantics.md §0). */
  KeyType?: KeyType;
  Tags: Tag[];
  /** ISO-8601 UTC with milliseconds. */
  CreateTime: string;
  /** OpenSSH line; the local store ends it with the key name, as EC2's documentation shows. */
  PublicKey?: string;
}

export interface DeleteKeyPairInput {
  KeyName?: string;
  KeyPairId?: string;
}

export interface DeleteKeyPairOutput {
  Return: true;
  /** Present when a pair was deleted. */
  KeyPairId?: string;
}

export interface PasswordDataOutput {
  InstanceId: string;
  /** Base64 RSAES-PKCS1-v1_5 ciphertext; '' until the instance has produced it. */
  PasswordData: string;
  Timestamp?: string;
}

export interface KeyPairStore {
  readonly kind: 'local' | 'ec2';
  readonly region: string;
  createKeyPair(input: CreateKeyPairInput): Promise<CreateKeyPairOutput>;
  importKeyPair(input: ImportKeyPairInput): Promise<ImportKeyPairOutput>;
  /** `import --batch`: one result per item, in order; the local store writes once. */
  importKeyPairs(batch: ImportKeyPairInput[]): Promise<ImportBatchResult[]>;
  describeKeyPairs(input?: DescribeKeyPairsInput): Promise<KeyPairInfo[]>;
  deleteKeyPair(input: DeleteKeyPairInput): Promise<DeleteKeyPairOutput>;
  getPasswordData(instanceId: string): Promise<PasswordDataOutput>;
  /** Release network resources (EC2 store); nothing to do for the local store. */
  close?(): void;
}

export interface StoreOptions {
  /** AWS region; key pairs are per region in both stores. */
  region: string;
}

export interface LocalStoreOptions extends StoreOptions {
  /** Registry folder: EC2KEYS_HOME or ~/.ec2keys. */
  home: string;
  /** How long to wait for another process's lock before Ec2Keys.StoreLocked (default 30 s). */
  lockTimeoutMs?: number;
}

export interface Ec2StoreOptions {
  /** Undefined: the SDK resolves it (AWS_REGION, the profile's region). */
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** Default 3 (the SDK's standard retry mode). */
  maxAttempts?: number;
}

/** EC2's per-region key pair quota (UG create-key-pairs). */
export const KEY_PAIR_QUOTA = 5000;
export const MAX_TAGS = 50;
export const MAX_TAG_KEY = 128;
export const MAX_TAG_VALUE = 256;
export const MAX_KEY_NAME = 255;
