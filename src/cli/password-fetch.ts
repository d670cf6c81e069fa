// PLACEHOLDER until the EC2 store lands (issue #4): GetPasswordData for --instance-id.
import { Codes, Ec2KeysError } from '../errors.js';
import type { App } from './main.js';
import type { GlobalOptions } from './context.js';
export async function fetchPasswordData(_app: App, _g: GlobalOptions, _id: string, _o: { wait: boolean; timeoutSeconds: number }): Promise<string> {
  throw new Ec2KeysError(Codes.Unsupported, '--instance-id is not available yet in this build');
}
