# Import-EC2KeyPair -> `ec2keys import` (cli.md). Keeps AWS.Tools.EC2's two ways to pass the key
# (peers.md §1.2): -PublicKeyMaterial already base64-encoded (position 1, the default set) and
# -PublicKey as plain text; adds -PublicKeyFile / -LiteralPath, which AWS.Tools lacks. A private
# key file is accepted too: the executable imports its public half and never sends the private
# key anywhere.

function Import-EC2KeyPair {
    <#
    .SYNOPSIS
    Imports a public key as a key pair.

    .DESCRIPTION
    Import-EC2KeyPair registers an existing public key under -KeyName in the key-pair store (the
    local registry by default, or EC2 with -Store ec2). It accepts what EC2 accepts: an OpenSSH
    public key line (RSA, ED25519), an RFC 4716 (SSH2) public key, or base64 DER; and, from a
    file, also a PEM public key or a private key in any supported format (PEM, PKCS#8, OpenSSH,
    PuTTY PPK), of which only the public half is used.

    -PublicKeyMaterial takes the key base64-encoded, as AWS.Tools.EC2 expects; -PublicKey takes
    the text itself; -PublicKeyFile and -LiteralPath read a file.

    ED25519 keys are refused unless -Platform linux, because Windows instances cannot use them.

    .PARAMETER KeyName
    Name of the key pair to create.

    .PARAMETER PublicKeyMaterial
    The public key, base64-encoded (what AWS.Tools.EC2's -PublicKeyMaterial takes): for example
    [Convert]::ToBase64String([IO.File]::ReadAllBytes('id_rsa.pub')). A key that was base64-encoded
    twice by mistake is also understood.

    .PARAMETER PublicKey
    The public key as text, for example an 'ssh-rsa AAAA... comment' line.

    .PARAMETER PublicKeyFile
    Path to a public or private key file. Wildcards are allowed if they match exactly one file.
    Relative paths are resolved against the current PowerShell location.

    .PARAMETER LiteralPath
    Path to a public or private key file, used exactly as typed (no wildcards).

    .PARAMETER Passphrase
    Passphrase of an encrypted private key file given with -PublicKeyFile or -LiteralPath (only
    needed when its public half is encrypted too, as in encrypted PEM).

    .PARAMETER Platform
    windows (default) or linux: the platform of the instances the key is for.

    .PARAMETER Tag
    Tags for the key pair as a hashtable, for example @{ team = 'ops' }.

    .PARAMETER TagSpecification
    Tags in the AWS.Tools.EC2 shape: objects (or hashtables) with ResourceType = 'key-pair' and
    Tags = @(@{ Key = 'k'; Value = 'v' }).

    .PARAMETER Force
    Do not ask for confirmation.

    .PARAMETER Region
    AWS region of the key pair.

    .PARAMETER ProfileName
    AWS shared-credentials profile to use.

    .PARAMETER EndpointUrl
    EC2 endpoint URL (for example a test endpoint on 127.0.0.1).

    .PARAMETER Store
    Where key pairs live: local (default) or ec2. Default: $env:EC2KEYS_STORE, else local.

    .EXAMPLE
    PS> Import-EC2KeyPair -KeyName laptop -PublicKeyFile ~/.ssh/id_rsa.pub

    Imports the public key of ~/.ssh/id_rsa.pub as the key pair 'laptop'.

    .EXAMPLE
    PS> $b64 = [Convert]::ToBase64String([IO.File]::ReadAllBytes("$HOME\.ssh\id_rsa.pub"))
    PS> Import-EC2KeyPair -KeyName laptop -PublicKeyMaterial $b64

    The AWS.Tools.EC2 way: the key text base64-encoded.

    .EXAMPLE
    PS> Import-EC2KeyPair -KeyName 'build agent' -LiteralPath .\agent.ppk -Tag @{ owner = 'ci' }

    Imports the public half of a PuTTY private key, with a tag.

    .INPUTS
    System.String. You can pipe objects with KeyName and PublicKeyMaterial properties, or file
    objects (their path binds to -LiteralPath).

    .OUTPUTS
    EC2Keys.KeyPair. KeyName, KeyPairId, KeyFingerprint (the fingerprint EC2 shows for imported
    keys), KeyType and Tags.

    .LINK
    New-EC2KeyPair

    .LINK
    about_EC2Keys
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium', DefaultParameterSetName = 'PreEncodedToBase64')]
    [OutputType('EC2Keys.KeyPair')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $KeyName,

        [Parameter(Mandatory = $true, Position = 1, ParameterSetName = 'PreEncodedToBase64', ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $PublicKeyMaterial,

        [Parameter(Mandatory = $true, ParameterSetName = 'AutoEncodedToBase64', ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $PublicKey,

        [Parameter(Mandatory = $true, ParameterSetName = 'Path')]
        [Alias('Path')]
        [ValidateNotNullOrEmpty()]
        [string] $PublicKeyFile,

        [Parameter(Mandatory = $true, ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName = $true)]
        [Alias('PSPath', 'LP')]
        [ValidateNotNullOrEmpty()]
        [string] $LiteralPath,

        [Parameter(ParameterSetName = 'Path')]
        [Parameter(ParameterSetName = 'LiteralPath')]
        [securestring] $Passphrase,

        [ValidateSet('windows', 'linux')]
        [string] $Platform,

        [System.Collections.IDictionary] $Tag,

        [Alias('TagSpecifications')]
        [object[]] $TagSpecification,

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
        $argv = @(Get-Ec2KeysGlobalArgument -BoundParameters $PSBoundParameters) + @('import')
        switch ($PSCmdlet.ParameterSetName) {
            'PreEncodedToBase64' {
                $text = ConvertFrom-Ec2KeysPublicKeyMaterial -Material $PublicKeyMaterial -Cmdlet $PSCmdlet -KeyName $KeyName
                if ($null -eq $text) { return }
                $argv += @(Get-Ec2KeysOptionValue '--public-key' $text)
            }
            'AutoEncodedToBase64' { $argv += @(Get-Ec2KeysOptionValue '--public-key' $PublicKey.Trim()) }
            'Path' {
                $files = @(Resolve-Ec2KeysPath -Cmdlet $PSCmdlet -Path $PublicKeyFile)
                if ($files.Count -eq 0) { return }
                if ($files.Count -gt 1) {
                    $ex = [System.ArgumentException]::new("-PublicKeyFile '$PublicKeyFile' matches $($files.Count) files; give exactly one")
                    $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new($ex, 'Ec2Keys.AmbiguousPath', 'InvalidArgument', $PublicKeyFile))
                    return
                }
                $argv += @('--public-key-file', $files[0])
            }
            'LiteralPath' {
                $files = @(Resolve-Ec2KeysPath -Cmdlet $PSCmdlet -LiteralPath $LiteralPath)
                if ($files.Count -eq 0) { return }
                $argv += @('--public-key-file', $files[0])
            }
        }
        if ($Platform) { $argv += @('--platform', $Platform) }
        $argv += @(Get-Ec2KeysTagArgument -Tag $Tag -TagSpecification $TagSpecification)
        $argv += @(Get-Ec2KeysPositional $KeyName)

        if (-not $PSCmdlet.ShouldProcess($KeyName, 'Import EC2 key pair')) { return }
        $r = Invoke-Ec2KeysCli -ArgumentList $argv -Cmdlet $PSCmdlet -Passphrase $Passphrase -Target $KeyName
        if ($null -eq $r) { return }
        $r | Add-Ec2KeysTypeName -TypeName 'EC2Keys.KeyPair'
    }
}
