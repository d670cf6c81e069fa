# Get-EC2KeyPair -> `ec2keys get` (cli.md; output shaped like `aws ec2 describe-key-pairs`).
# Parameters as AWS.Tools.EC2's Get-EC2KeyPair (peers.md §1.3: -KeyName string[] position 0 by
# value and property name, -Filter, -KeyPairId, -IncludePublicKey); output is a stream of
# EC2Keys.KeyPairInfo objects carrying KeyName and KeyPairId, which Remove-EC2KeyPair,
# Test-EC2KeyPair and Publish-EC2KeyPair bind by property name.

function Get-EC2KeyPair {
    <#
    .SYNOPSIS
    Lists key pairs.

    .DESCRIPTION
    Get-EC2KeyPair returns the key pairs in the key-pair store (the local registry by default, or
    EC2 with -Store ec2), one EC2Keys.KeyPairInfo object each, with the same fields as EC2's
    DescribeKeyPairs: KeyName, KeyPairId, KeyFingerprint, KeyType, Tags, CreateTime and, with
    -IncludePublicKey, PublicKey. With no name, id or filter it lists every key pair.

    Asking for a name or id that does not exist is an error (InvalidKeyPair.NotFound), as in EC2.

    -IncludePublicKey is a switch here; AWS.Tools.EC2 takes a Boolean, so write
    -IncludePublicKey or -IncludePublicKey:$true.

    .PARAMETER KeyName
    Names of the key pairs to get. Accepts pipeline input.

    .PARAMETER KeyPairId
    Ids of the key pairs to get (key-0123456789abcdef0).

    .PARAMETER Filter
    EC2 filters: Amazon.EC2.Model.Filter objects or hashtables with Name and Values, for example
    @{ Name = 'tag:team'; Values = 'ops' }, or a hashtable of name = value(s) such as
    @{ 'key-name' = 'web-*' }. Filter names: key-pair-id, key-name, fingerprint, key-type,
    tag-key, tag:<key>.

    .PARAMETER IncludePublicKey
    Include each key pair's public key (OpenSSH format) in the PublicKey property.

    .PARAMETER Region
    AWS region to list.

    .PARAMETER ProfileName
    AWS shared-credentials profile to use.

    .PARAMETER EndpointUrl
    EC2 endpoint URL (for example a test endpoint on 127.0.0.1).

    .PARAMETER Store
    Where key pairs live: local (default) or ec2. Default: $env:EC2KEYS_STORE, else local.

    .EXAMPLE
    PS> Get-EC2KeyPair

    Lists all key pairs as a table of KeyName, KeyType, KeyFingerprint, KeyPairId and CreateTime.

    .EXAMPLE
    PS> Get-EC2KeyPair -Filter @{ Name = 'tag:team'; Values = 'ops' } -IncludePublicKey | Select-Object KeyName, PublicKey

    Lists the key pairs tagged team=ops with their public keys.

    .EXAMPLE
    PS> 'web', 'db' | Get-EC2KeyPair -Region eu-west-1

    Gets two key pairs by name from the pipeline.

    .INPUTS
    System.String. Key names, or objects with KeyName / KeyPairId properties.

    .OUTPUTS
    EC2Keys.KeyPairInfo. KeyName, KeyPairId, KeyFingerprint, KeyType, Tags, CreateTime
    ([datetime]) and, with -IncludePublicKey, PublicKey.

    .LINK
    Remove-EC2KeyPair

    .LINK
    about_EC2Keys
    #>
    [CmdletBinding()]
    [OutputType('EC2Keys.KeyPairInfo')]
    param(
        [Parameter(Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('KeyNames')]
        [ArgumentCompleter({ param($c, $p, $w, $a, $f) $m = @(Get-Module -Name EC2Keys)[0]; if ($m) { & $m { Get-Ec2KeysKeyNameCompletion @args } $c $p $w $a $f } })]
        [string[]] $KeyName,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [Alias('KeyPairIds')]
        [string[]] $KeyPairId,

        [Parameter(Position = 1)]
        [Alias('Filters')]
        [object[]] $Filter,

        [switch] $IncludePublicKey,

        [string] $Region,

        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,

        [string] $EndpointUrl,

        [ValidateSet('local', 'ec2')]
        [string] $Store
    )

    process {
        $argv = @(Get-Ec2KeysGlobalArgument -BoundParameters $PSBoundParameters) + @('get')
        foreach ($id in @($KeyPairId)) { if ($id) { $argv += @('--id', $id) } }
        $argv += @(Get-Ec2KeysFilterArgument -Filter $Filter)
        if ($IncludePublicKey) { $argv += '--include-public-key' }
        $names = @($KeyName | Where-Object { $_ })
        if ($names.Count) { $argv += @(Get-Ec2KeysPositional $names) }

        $target = if ($names.Count -eq 1) { $names[0] } elseif ($names.Count) { $names -join ', ' } else { $null }
        $r = Invoke-Ec2KeysCli -ArgumentList $argv -Cmdlet $PSCmdlet -Target $target
        if ($null -eq $r) { return }
        foreach ($kp in @($r.KeyPairs)) {
            if ($null -eq $kp) { continue }
            if ($kp.PSObject.Properties['CreateTime']) { $kp.CreateTime = ConvertTo-Ec2KeysDateTime $kp.CreateTime }
            $kp | Add-Ec2KeysTypeName -TypeName 'EC2Keys.KeyPairInfo'
        }
    }
}
