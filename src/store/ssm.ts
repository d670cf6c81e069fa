// `ec2keys retrieve`: the private key of a key pair that CloudFormation created
// (AWS::EC2::KeyPair) lives in SSM Parameter Store as the SecureString /ec2/keypair/<key-pair-id>
// (AWS CloudFormation User Guide, AWS::EC2::KeyPair). GetParameter WithDecryption, with
// @aws-sdk/client-ssm loaded lazily and the same client settings and error mapping as the EC2
// store (aws.ts: bounded retries, timeouts, EC2-style codes such as ParameterNotFound).

import { Codes, Ec2KeysError } from '../errors.js';
import { addCallDeadline, clientConfig, endpointName, mapAwsError, profileOf } from './aws.js';
import { KEY_PAIR_ID } from './names.js';
import type { Ec2StoreOptions } from './types.js';

/** Parameter name CloudFormation uses for a key pair's private key. */
export function keyPairParameterName(keyPairId: string): string {
  if (!KEY_PAIR_ID.test(keyPairId)) {
    throw new Ec2KeysError(Codes.InvalidParameterValue, `${JSON.stringify(keyPairId)} is not a key pair id; ids look like key-0123456789abcdef0`, {
      hint: 'find the id with `ec2keys get NAME --store ec2`',
    });
  }
  return `/ec2/keypair/${keyPairId}`;
}

/** The decrypted value of an SSM parameter. */
export async function retrieveSsmParameter(name: string, opts: Ec2StoreOptions = {}): Promise<string> {
  const sdk = await import('./sdk-ssm.js');
  const client = addCallDeadline(new sdk.SSMClient(clientConfig(opts)));
  const endpoint = endpointName('ssm', opts);
  try {
    const r = await client.send(new sdk.GetParameterCommand({ Name: name, WithDecryption: true }));
    const value = r.Parameter?.Value;
    if (value === undefined) throw new Ec2KeysError('ParameterNotFound', `Parameter ${name} has no value`, { target: name });
    return value;
  } catch (e) {
    const m = mapAwsError(e, endpoint, profileOf(opts));
    if (m.code === 'ParameterNotFound' && !m.target) {
      throw new Ec2KeysError(m.code, m.message || `Parameter ${name} not found`, { hint: m.hint, cause: e, target: name });
    }
    throw m;
  } finally {
    client.destroy();
  }
}
