// The part of @aws-sdk/client-ssm that ec2keys uses (`retrieve`); see sdk-ec2.ts.
export { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
