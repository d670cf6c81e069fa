// The EC2 key-pair store (`--store ec2`): the KeyPairStore calls sent to EC2 with
// @aws-sdk/client-ec2, loaded lazily (only this store pays for the SDK, runtime.md §6).
// Semantics are EC2's own (../shared/reference/ec2-semantics.md); this file only adds:
//   - the same client-side checks as the local store for key names, tags, key type, bits and
//     filter names (names.ts), so a bad request fails fast with a clear message instead of a
//     round trip (or an emulator's HTTP 500 for an unknown filter);
//   - RSA 3072/4096: CreateKeyPair makes 2048-bit keys only, so the key is generated locally
//     (node:crypto) and sent with ImportKeyPair; EC2 then shows the IMPORTED fingerprint form
//     (MD5 of the SPKI) for it, and that is what KeyFingerprint returns;
//   - ImportKeyPair sends the OpenSSH line as raw bytes (PublicKeyMaterial is a Blob: the SDK
//     base64-encodes it; base64-ing it ourselves gives InvalidKey.Format, boto3#4321);
//   - responses normalised to the shared shapes (Tags always a list, CreateTime ISO-8601 with
//     milliseconds, KeyMaterial ending with a newline).
// Everything else (KeyPairIds, wildcards, NotFound texts, delete by id) is passed through: the
// tests name where moto 5.2.1 differs from EC2 rather than this file papering over it.
//
// Limits: bounded retries and timeouts (aws.ts); import batches run at most 4 requests at a time.

import { Codes, Ec2KeysError } from '../errors.js';
import { addCallDeadline, clientConfig, endpointName, mapAwsError, profileOf } from './aws.js';
import { validateBits, validateFilters, validateKeyName, validateKeyType, validateTags } from './names.js';
import type {
  CreateKeyPairInput, CreateKeyPairOutput, DeleteKeyPairInput, DeleteKeyPairOutput, DescribeKeyPairsInput, Ec2StoreOptions,
  ImportBatchResult, ImportKeyPairInput, ImportKeyPairOutput, KeyPairInfo, KeyPairStore, KeyType, PasswordDataOutput, Tag,
} from './types.js';

type Sdk = typeof import('./sdk-ec2.js');
type Client = InstanceType<Sdk['EC2Client']>;

const BATCH_CONCURRENCY = 4;

export class Ec2Store implements KeyPairStore {
  readonly kind = 'ec2' as const;
  /** Requests made, for the bench's "EC2 calls per command". */
  calls = 0;

  private constructor(
    readonly region: string,
    readonly endpoint: string,
    private readonly sdk: Sdk,
    private readonly client: Client,
    private readonly profile?: string,
  ) {}

  /** Load the SDK, build the client and resolve the region (→ usage error when there is none). */
  static async open(opts: Ec2StoreOptions = {}): Promise<Ec2Store> {
    const sdk = await import('./sdk-ec2.js');
    const client = addCallDeadline(new sdk.EC2Client(clientConfig(opts)));
    let region: string;
    try {
      region = await client.config.region();
    } catch (e) {
      client.destroy();
      throw mapAwsError(e, endpointName('ec2', opts), profileOf(opts));
    }
    if (!region) {
      client.destroy();
      throw mapAwsError(new Error('Region is missing'), endpointName('ec2', opts), profileOf(opts));
    }
    return new Ec2Store(region, endpointName('ec2', opts, region), sdk, client, profileOf(opts));
  }

  close(): void {
    this.client.destroy();
  }

  private async send<T>(request: (c: Client, sdk: Sdk) => Promise<T>): Promise<T> {
    this.calls++;
    try {
      return await request(this.client, this.sdk);
    } catch (e) {
      throw mapAwsError(e, this.endpoint, this.profile);
    }
  }

  private static tagSpec(tags: Tag[]) {
    return tags.length ? [{ ResourceType: 'key-pair' as const, Tags: tags }] : undefined;
  }

  async createKeyPair(input: CreateKeyPairInput): Promise<CreateKeyPairOutput> {
    validateKeyName(input?.KeyName);
    const type = validateKeyType(input.KeyType);
    const bits = validateBits(input.Bits, type);
    const tags = validateTags(input.Tags);
    if (type === 'rsa' && bits !== 2048) {
      const { generateLocally } = await import('./material.js');
      const gen = await generateLocally('rsa', bits, input.KeyName);
      const r = await this.sendImport(input.KeyName, gen.publicLine, tags);
      return { ...r, KeyMaterial: gen.material };
    }
    const r = await this.send((c, s) => c.send(new s.CreateKeyPairCommand({
      KeyName: input.KeyName, KeyType: type, KeyFormat: 'pem', TagSpecifications: Ec2Store.tagSpec(tags),
    })).catch((e) => { throw retriedDuplicate(e, input.KeyName) ?? e; }));
    let material = r.KeyMaterial ?? '';
    if (!material.endsWith('\n')) material += '\n';
    return { KeyPairId: r.KeyPairId ?? '', KeyName: r.KeyName ?? input.KeyName, KeyFingerprint: r.KeyFingerprint ?? '', KeyMaterial: material, Tags: tagsOf(r.Tags) };
  }

  private async sendImport(name: string, line: string, tags: Tag[]): Promise<ImportKeyPairOutput> {
    const r = await this.send((c, s) => c.send(new s.ImportKeyPairCommand({
      KeyName: name, PublicKeyMaterial: new TextEncoder().encode(line), TagSpecifications: Ec2Store.tagSpec(tags),
    })));
    return { KeyPairId: r.KeyPairId ?? '', KeyName: r.KeyName ?? name, KeyFingerprint: r.KeyFingerprint ?? '', Tags: tagsOf(r.Tags) };
  }

  async importKeyPair(input: ImportKeyPairInput): Promise<ImportKeyPairOutput> {
    validateKeyName(input?.KeyName);
    const tags = validateTags(input.Tags);
    const { prepareImport } = await import('./material.js');
    const p = prepareImport(input.PublicKey);
    return this.sendImport(input.KeyName, p.publicLine, tags);
  }

  async importKeyPairs(batch: ImportKeyPairInput[]): Promise<ImportBatchResult[]> {
    if (!Array.isArray(batch)) throw new Ec2KeysError(Codes.InvalidParameterValue, 'an import batch must be a list of key pairs');
    const out: ImportBatchResult[] = new Array(batch.length);
    // Items of one name run in order (the first wins, later ones get Duplicate, as in a
    // sequential import); different names run BATCH_CONCURRENCY at a time.
    const groups = new Map<string, number[]>();
    batch.forEach((b, i) => {
      const k = String(b?.KeyName ?? '');
      groups.set(k, [...(groups.get(k) ?? []), i]);
    });
    const lanes = [...groups.values()];
    let next = 0;
    const worker = async () => {
      while (next < lanes.length) {
        for (const i of lanes[next++]) {
          try {
            out[i] = await this.importKeyPair(batch[i]);
          } catch (e) {
            if (!(e instanceof Ec2KeysError)) throw e;
            const body: { Code: string; Message: string; Hint?: string } = { Code: e.code, Message: e.message };
            if (e.hint) body.Hint = e.hint;
            out[i] = { KeyName: String(batch[i]?.KeyName ?? ''), Error: body };
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, lanes.length) }, worker));
    return out;
  }

  async describeKeyPairs(input: DescribeKeyPairsInput = {}): Promise<KeyPairInfo[]> {
    const filters = validateFilters(input.Filters);
    const r = await this.send((c, s) => c.send(new s.DescribeKeyPairsCommand({
      KeyNames: input.KeyNames?.length ? input.KeyNames : undefined,
      KeyPairIds: input.KeyPairIds?.length ? input.KeyPairIds : undefined,
      Filters: filters.length ? filters : undefined,
      IncludePublicKey: input.IncludePublicKey || undefined,
    })));
    return (r.KeyPairs ?? []).map((k) => {
      const info: KeyPairInfo = {
        KeyPairId: k.KeyPairId ?? '',
        KeyFingerprint: k.KeyFingerprint ?? '',
        KeyName: k.KeyName ?? '',
        KeyType: k.KeyType as KeyType | undefined,
        Tags: tagsOf(k.Tags),
        CreateTime: k.CreateTime ? new Date(k.CreateTime).toISOString() : '',
      };
      if (info.KeyType === undefined) delete info.KeyType;
      if (k.PublicKey !== undefined) info.PublicKey = k.PublicKey;
      return info;
    });
  }

  async deleteKeyPair(input: DeleteKeyPairInput): Promise<DeleteKeyPairOutput> {
    const { KeyName, KeyPairId } = input ?? {};
    if (KeyPairId === undefined && KeyName === undefined) {
      throw new Ec2KeysError(Codes.MissingParameter, 'give the key pair to delete: a key name or a key pair id', { hint: 'ec2keys remove NAME, or ec2keys remove --id key-…' });
    }
    const r = await this.send((c, s) => c.send(new s.DeleteKeyPairCommand({ KeyName, KeyPairId })));
    if (r.Return === false) throw new Ec2KeysError(Codes.Internal, `EC2 did not delete the key pair ${KeyPairId ?? KeyName}`);
    return r.KeyPairId ? { Return: true, KeyPairId: r.KeyPairId } : { Return: true };
  }

  async getPasswordData(instanceId: string): Promise<PasswordDataOutput> {
    if (typeof instanceId !== 'string' || instanceId === '') {
      throw new Ec2KeysError(Codes.MissingParameter, 'no instance id given', { hint: 'give --instance-id i-0123456789abcdef0' });
    }
    const r = await this.send((c, s) => c.send(new s.GetPasswordDataCommand({ InstanceId: instanceId })));
    const out: PasswordDataOutput = { InstanceId: r.InstanceId ?? instanceId, PasswordData: (r.PasswordData ?? '').trim() };
    if (r.Timestamp) out.Timestamp = new Date(r.Timestamp).toISOString();
    return out;
  }
}

/**
 * CreateKeyPair is not idempotent (no client token). When an attempt's answer is lost (connection
 * reset after EC2 did the work) the SDK retries, and the retry meets the pair the first attempt
 * created: InvalidKeyPair.Duplicate, for a pair whose private key nobody received. Say so, instead
 * of EC2's bare "already exists" (which reads as: pick another name). Never deleted automatically:
 * the pair may also be someone else's that existed before.
 */
function retriedDuplicate(e: unknown, name: string): Ec2KeysError | undefined {
  const x = e as { name?: string; $metadata?: { attempts?: number } } | undefined;
  if (x?.name !== Codes.Duplicate || !((x.$metadata?.attempts ?? 1) > 1)) return undefined;
  return new Ec2KeysError(Codes.Duplicate,
    `key pair ${name} already exists, found by a retry: the first attempt lost its answer (network), so EC2 probably created the pair then, and its private key was never received`,
    {
      target: name,
      hint: `check its CreateTime with \`ec2keys get ${name} --store ec2\`; if it was created just now, remove it with \`ec2keys remove ${name} --store ec2 --yes\` and run the command again`,
    });
}

function tagsOf(tags: { Key?: string; Value?: string }[] | undefined): Tag[] {
  return (tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
}
