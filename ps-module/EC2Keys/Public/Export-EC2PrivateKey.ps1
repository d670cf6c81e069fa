# Export-EC2PrivateKey -> `ec2keys retrieve` (cli.md). CloudFormation (AWS::EC2::KeyPair) keeps
# the private key of a pair it creates in SSM Parameter Store as /ec2/keypair/<key-pair-id>;
# with AWS.Tools that is Get-EC2KeyPair to find the id, Get-SSMParameter -WithDecryption, then
# Out-File — which writes a UTF-16 file with a BOM on Windows PowerShell 5.1 and leaves it
# readable by every user (peers.md). This saves it once, owner-only, in the format asked for.
# "Export" (approved verb, Data group): the key leaves the store for a file.

function Export-EC2PrivateKey {
    <#
    .SYNOPSIS
    Saves the private key of a CloudFormation-created EC2 key pair from SSM Parameter Store.

    .DESCRIPTION
    When CloudFormation creates a key pair (AWS::EC2::KeyPair), EC2 never hands out the private
    key; CloudFormation stores it in SSM Parameter Store as the SecureString
    /ec2/keypair/<key-pair-id>. Export-EC2PrivateKey finds the key pair in EC2 by -KeyName or
    -KeyPairId, reads that parameter with decryption, and writes the private key to a file that
    only you can read: PEM (PKCS#1, byte for byte what CloudFormation stored) by default, or
    PuTTY PPK or OpenSSH with -KeyFormat. An existing file is not replaced unless -Force is given.

    Key pairs and parameters live in EC2 and SSM only, so this always talks to AWS (the -Store
    setting does not apply), with the usual -Region, -ProfileName and -EndpointUrl.

    .PARAMETER KeyName
    Name of the key pair.

    .PARAMETER KeyPairId
    Id of the key pair (key-0123456789abcdef0) instead of its name.

    .PARAMETER KeyFormat
    Format of the file: pem (PKCS#1, the default), ppk (PuTTY) or openssh.

    .PARAMETER PpkVersion
    PuTTY key file version for -KeyFormat ppk: 3 (default) or 2 (older PuTTY and WinSCP).

    .PARAMETER Path
    File to write the private key to. Relative paths are resolved against the current PowerShell
    location. Default: <KeyName>.pem (.ppk, .key) in the current location.

    .PARAMETER Passphrase
    Encrypt the written private key with this passphrase.

    .PARAMETER Force
    Replace an existing key file, and do not ask for confirmation.

    .PARAMETER Region
    AWS region of the key pair.

    .PARAMETER ProfileName
    AWS shared-credentials profile to use.

    .PARAMETER EndpointUrl
    Endpoint URL for EC2 and SSM (for example a test endpoint on 127.0.0.1).

    .EXAMPLE
    PS> Export-EC2PrivateKey -KeyName my-stack-key -Region eu-west-1

    Saves the key of the pair a CloudFormation stack created as .\my-stack-key.pem.

    .EXAMPLE
    PS> Get-EC2KeyPair -Store ec2 -Filter @{ 'tag:aws:cloudformation:stack-name' = 'web' } | Export-EC2PrivateKey -KeyFormat ppk

    Saves the keys of every pair the stack "web" created as PuTTY PPK files.

    .INPUTS
    Objects with a KeyName or KeyPairId property (for example from Get-EC2KeyPair).

    .OUTPUTS
    EC2Keys.KeyPair. KeyName, KeyPairId, KeyFingerprint, KeyType and KeyFile (the absolute path).

    .LINK
    Get-EC2KeyPair

    .LINK
    about_EC2Keys
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Name')]
    [OutputType('EC2Keys.KeyPair')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'Name', ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $KeyName,

        [Parameter(Mandatory = $true, ParameterSetName = 'Id', ValueFromPipelineByPropertyName = $true)]
        [ValidatePattern('^key-[0-9a-f]+$')]
        [string] $KeyPairId,

        [ValidateSet('pem', 'ppk', 'openssh')]
        [string] $KeyFormat,

        [ValidateSet(2, 3)]
        [int] $PpkVersion,

        [Alias('OutFile', 'FilePath')]
        [string] $Path,

        [securestring] $Passphrase,

        [switch] $Force,

        [string] $Region,

        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,

        [string] $EndpointUrl
    )

    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    }

    process {
        Assert-Ec2KeysParameterApplies $PSCmdlet (-not $PSBoundParameters.ContainsKey('PpkVersion') -or $KeyFormat -eq 'ppk') `
            "-PpkVersion applies to PuTTY keys only: add -KeyFormat ppk, or leave out -PpkVersion"
        # A pipeline object from Get-EC2KeyPair carries both; binding picks the Name set, which is
        # what the user sees. The id set is for callers that only have the id.
        $argv = @(Get-Ec2KeysGlobalArgument -BoundParameters $PSBoundParameters) + @('retrieve')
        if ($KeyFormat) { $argv += @('--format', $KeyFormat) }
        if ($PpkVersion) { $argv += @('--ppk-version', [string]$PpkVersion) }
        $target = if ($PSCmdlet.ParameterSetName -eq 'Id') { $KeyPairId } else { $KeyName }
        # By name, or by id when only the id is known.
        $outArg = @(Get-Ec2KeysKeyFileArgument -Cmdlet $PSCmdlet -Path $Path -Name $target -KeyFormat $KeyFormat)
        if (-not $outArg.Count) { return }
        $argv += $outArg
        if ($Force) { $argv += '--force' }
        if ($PSCmdlet.ParameterSetName -eq 'Id') { $argv += @('--id', $KeyPairId) }
        else { $argv += @(Get-Ec2KeysPositional $KeyName) }

        if (-not $PSCmdlet.ShouldProcess("$target -> $($outArg[1])", 'Save the private key from SSM Parameter Store')) { return }
        $r = Invoke-Ec2KeysCli -ArgumentList $argv -Cmdlet $PSCmdlet -NewPassphrase $Passphrase -Target $target
        if ($null -eq $r) { return }
        $r | Add-Ec2KeysTypeName -TypeName 'EC2Keys.KeyPair'
    }
}
