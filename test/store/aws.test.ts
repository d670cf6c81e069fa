// SDK failure → Ec2KeysError mapping (src/store/aws.ts), driven through the real SDK against small
// local HTTP servers that answer like a proxy page, like EC2 and not at all; no AWS, no moto.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ec2KeysError } from '../../src/errors.js';
import { mapAwsError } from '../../src/store/aws.js';
import { Ec2Store } from '../../src/store/ec2.js';
import { FAKE_AWS_ENV, applyEnv } from '../helpers/moto.js';
import { expectCode } from './contract.js';

let saved: NodeJS.ProcessEnv;
beforeAll(() => {
  saved = { ...process.env };
  applyEnv(process.env, FAKE_AWS_ENV);
});
afterAll(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const ec2Error = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>req-1</RequestID></Response>`;

describe('AWS error mapping', () => {
  it('a proxy page (HTTP 404, HTML) is Ec2Keys.EndpointError, not an invented "NotFound: Unknown"', async () => {
    const srv = await serve((_q, r) => { r.writeHead(404, { 'content-type': 'text/html' }); r.end('<html><body>Not here</body></html>'); });
    try {
      const s = await Ec2Store.open({ region: 'us-east-1', endpointUrl: srv.url, maxAttempts: 1 });
      await expectCode(s.describeKeyPairs(), 'Ec2Keys.EndpointError', `${srv.url} answered HTTP 404 with something that is not an AWS response`);
    } finally {
      await srv.close();
    }
  });

  it('an EC2 error document keeps EC2\'s code and message; auth failures become Ec2Keys.CredentialsError', async () => {
    let answer = ec2Error('UnauthorizedOperation', 'You are not authorized to perform this operation.');
    const srv = await serve((_q, r) => { r.writeHead(answer.includes('AuthFailure') ? 401 : 403, { 'content-type': 'text/xml', 'x-amzn-requestid': 'req-1' }); r.end(answer); });
    try {
      const s = await Ec2Store.open({ region: 'us-east-1', endpointUrl: srv.url, maxAttempts: 1 });
      const e = await expectCode(s.deleteKeyPair({ KeyName: 'x' }), 'UnauthorizedOperation', 'You are not authorized to perform this operation.');
      expect(e.hint).toMatch(/lacks this EC2 permission/);
      answer = ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials');
      const a = await expectCode(s.describeKeyPairs(), 'Ec2Keys.CredentialsError', 'AuthFailure: AWS was not able to validate the provided access credentials');
      expect(a.hint).toMatch(/wrong or expired/);
      // The cause is kept small: no HTTP response object with sockets in it.
      expect(JSON.stringify(Object.keys(a.cause as object))).not.toMatch(/response/i);
      expect((a.cause as { requestId?: string }).requestId).toBe('req-1');
    } finally {
      await srv.close();
    }
  });

  it('a server that accepts and never answers is a timeout, an unresolvable host is named as such', async () => {
    const srv = await serve(() => { /* never answer */ });
    try {
      const { EC2Client, DescribeKeyPairsCommand } = await import('@aws-sdk/client-ec2');
      const c = new EC2Client({ region: 'us-east-1', endpoint: srv.url, maxAttempts: 1, requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true } });
      let raw: unknown;
      await c.send(new DescribeKeyPairsCommand({})).catch((e) => { raw = e; });
      c.destroy();
      const m = mapAwsError(raw, srv.url);
      expect(m.code).toBe('Ec2Keys.EndpointError');
      expect(m.message).toMatch(new RegExp(`^cannot reach ${srv.url}: `));
    } finally {
      await srv.close();
    }
    const s = await Ec2Store.open({ region: 'us-east-1', endpointUrl: 'http://no-such-host.invalid', maxAttempts: 1 });
    await expectCode(s.describeKeyPairs(), 'Ec2Keys.EndpointError', /^cannot reach http:\/\/no-such-host\.invalid: host name (not found|lookup failed)/);
  });

  it('anything else is an internal error that still says what happened; our own errors pass unchanged', () => {
    const mine = new Ec2KeysError('InvalidKeyPair.NotFound', 'x');
    expect(mapAwsError(mine, 'e')).toBe(mine);
    const m = mapAwsError(new TypeError('boom'), 'e');
    expect(m.code).toBe('Ec2Keys.InternalError');
    expect(m.message).toBe('AWS request failed: boom');
  });
});
