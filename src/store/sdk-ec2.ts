// The part of @aws-sdk/client-ec2 that ec2keys uses, in one place. Loaded lazily (only EC2
// commands pay for the SDK). In the standalone binary this file is the asset boundary: it is
// bundled from the SDK's ES modules, so only these exports and what they need are kept
// (scripts/build-exe.mjs; the whole client with its ~750 commands took twice as long to load).
export {
  CreateKeyPairCommand,
  DeleteKeyPairCommand,
  DescribeKeyPairsCommand,
  DescribeRegionsCommand,
  EC2Client,
  GetPasswordDataCommand,
  ImportKeyPairCommand,
} from '@aws-sdk/client-ec2';
