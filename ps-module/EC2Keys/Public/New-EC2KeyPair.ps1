# New-EC2KeyPair -> `ec2keys new` (cli.md). Parameters follow AWS.Tools.EC2's New-EC2KeyPair
# (peers.md §1.1: -KeyName position 0, -KeyType, -KeyFormat, -TagSpecification, -Force) plus what
# AWS.Tools lacks: the key is written to a file (owner-only, never overwritten without -Force)
# instead of left in KeyMaterial for the user to mis-encode with Out-File, a key size, PPK
# version, and an optional passphrase for the written key (a SecureString, handed over in
# EC2KEYS_NEW_PASSPHRASE, never on the command line).

function New-EC2KeyPair {
    <#
    .SYNOPSIS
    Creates a key pair and saves its private key to a file.

    .DESCRIPTION
    New-EC2KeyPair creates an RSA (or, for Linux instances, ED25519) key pair, registers its
    public key under -KeyName in the key-pair store (the local registry by default, or EC2 with
    -Store ec2), and writes the private key to a file that only you can read. The file is
    PEM (PKCS#1, as EC2 returns it) by default, or PuTTY PPK or OpenSSH with -KeyFormat.

    Unlike AWS.Tools.EC2, the private key is never left in a KeyMaterial string: it is written
    once, atomically, to -Path (default .\<KeyName>.pem, .ppk or .key in the current PowerShell
    location). An existing file is not replaced unless -Force is given.

    ED25519 keys cannot be used with Windows instances; they are refused unless -Platform linux.

    .PARAMETER KeyName
    Name of the new key pair. Up to 255 ASCII characters; names with spaces and quotes are fine.

    .PARAMETER KeyType
    rsa (default) or ed25519. ED25519 needs -Platform linux, because Windows AMIs refuse it.

    .PARAMETER KeyFormat
    Format of the private key file: pem (PKCS#1, the default, what EC2 gives), ppk (PuTTY) or
    openssh.

    .PARAMETER KeySize
    RSA modulus size in bits: 2048 (default), 3072 or 4096.

    .PARAMETER PpkVersion
    PuTTY key file version for -KeyFormat ppk: 3 (default, PuTTY 0.75 and later) or 2 (older
    PuTTY and WinSCP).

    .PARAMETER Platform
    windows (default) or linux: the platform of the instances the key is for.

    .PARAMETER Tag
    Tags for the key pair as a hashtable, for example @{ team = 'ops'; env = 'prod' }.

    .PARAMETER TagSpecification
    Tags in the AWS.Tools.EC2 shape: objects (or hashtables) with ResourceType = 'key-pair' and
    Tags = @(@{ Key = 'k'; Value = 'v' }).

    .PARAMETER Path
    File to write the private key to. Relative paths are resolved against the current PowerShell
    location. Default: <KeyName>.pem (.ppk, .key) in the current location.

    .PARAMETER Passphrase
    Encrypt the written private key with this passphrase.

    .PARAMETER Force
    Replace an existing key file, and do not ask for confirmation.

    .PARAMETER Region
    AWS region of the key pair (the local store also keeps key pairs per region, like EC2).

    .PARAMETER ProfileName
    AWS shared-credentials profile to use.

    .PARAMETER EndpointUrl
    EC2 endpoint URL (for example a test endpoint on 127.0.0.1).

    .PARAMETER Store
    Where key pairs live: local (the local registry, default) or ec2 (Amazon EC2 itself).
    Default: $env:EC2KEYS_STORE, else local.

    .EXAMPLE
    PS> New-EC2KeyPair -KeyName web-admin

    Creates an RSA 2048 key pair named web-admin and writes web-admin.pem in the current folder.

    .EXAMPLE
    PS> New-EC2KeyPair 'ops key' -KeyFormat ppk -Path C:\keys\ops.ppk -Tag @{ team = 'ops' }

    Creates a key pair with a space in its name and writes a PuTTY PPK v3 file for it.

    .EXAMPLE
    PS> $pp = Read-Host -AsSecureString 'Passphrase'
    PS> New-EC2KeyPair build -KeySize 4096 -Passphrase $pp -Store ec2 -Region eu-west-1

    Creates a 4096-bit key pair in EC2 (eu-west-1) and writes build.pem encrypted with a passphrase.

    .INPUTS
    System.String. You can pipe objects with a KeyName property.

    .OUTPUTS
    EC2Keys.KeyPair. KeyName, KeyPairId, KeyFingerprint, KeyType, Tags and KeyFile (the full path
    of the written private key).

    .LINK
    Get-EC2KeyPair

    .LINK
    about_EC2Keys
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
    [OutputType('EC2Keys.KeyPair')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $KeyName,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [ValidateSet('rsa', 'ed25519')]
        [string] $KeyType,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [ValidateSet('pem', 'ppk', 'openssh')]
        [string] $KeyFormat,

        [ValidateSet(2048, 3072, 4096)]
        [Alias('Bits')]
        [int] $KeySize,

        [ValidateSet(2, 3)]
        [int] $PpkVersion,

        [ValidateSet('windows', 'linux')]
        [string] $Platform,

        [System.Collections.IDictionary] $Tag,

        [Alias('TagSpecifications')]
        [object[]] $TagSpecification,

        [Alias('OutFile', 'FilePath')]
        [string] $Path,

        [securestring] $Passphrase,

        [switch] $Force,

        [string] $Region,

        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,

        [string] $EndpointUrl,

        [ValidateSet('local', 'ec2')]
        [string] $Store
    )

    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    }

    process {
        Assert-Ec2KeysParameterApplies $PSCmdlet (-not $PSBoundParameters.ContainsKey('PpkVersion') -or $KeyFormat -eq 'ppk') `
            "-PpkVersion applies to PuTTY keys only: add -KeyFormat ppk, or leave out -PpkVersion"
        Assert-Ec2KeysParameterApplies $PSCmdlet (-not $PSBoundParameters.ContainsKey('KeySize') -or $KeyType -ne 'ed25519') `
            "-KeySize applies to RSA keys only: ED25519 keys have a fixed size"
        $argv = @(Get-Ec2KeysGlobalArgument -BoundParameters $PSBoundParameters) + @('new')
        if ($KeyType) { $argv += @('--type', $KeyType) }
        if ($KeySize) { $argv += @('--bits', [string]$KeySize) }
        if ($KeyFormat) { $argv += @('--format', $KeyFormat) }
        if ($PpkVersion) { $argv += @('--ppk-version', [string]$PpkVersion) }
        if ($Platform) { $argv += @('--platform', $Platform) }
        $argv += @(Get-Ec2KeysTagArgument -Tag $Tag -TagSpecification $TagSpecification)
        $outArg = @(Get-Ec2KeysKeyFileArgument -Cmdlet $PSCmdlet -Path $Path -Name $KeyName -KeyFormat $KeyFormat)
        if (-not $outArg.Count) { return }
        $argv += $outArg
        if ($Force) { $argv += '--force' }
        $argv += @(Get-Ec2KeysPositional $KeyName)

        if (-not $PSCmdlet.ShouldProcess($KeyName, 'Create EC2 key pair')) { return }
        $r = Invoke-Ec2KeysCli -ArgumentList $argv -Cmdlet $PSCmdlet -NewPassphrase $Passphrase -Target $KeyName
        if ($null -eq $r) { return }
        $r | Add-Ec2KeysTypeName -TypeName 'EC2Keys.KeyPair'
    }
}
