# Convert-EC2KeyFile -> `ec2keys convert <in> --to pem|pkcs8|openssh|ppk` (cli.md). Any private key
# the executable reads goes in (PEM, PKCS#8, OpenSSH, PuTTY PPK v2/v3, encrypted or not); the
# input passphrase travels in EC2KEYS_PASSPHRASE and the output passphrase in
# EC2KEYS_NEW_PASSPHRASE, never on the command line. Paths are resolved against the PowerShell
# location; wildcards in -Path convert every match.

function Convert-EC2KeyFile {
    <#
    .SYNOPSIS
    Converts a private key file to PEM, PKCS#8, OpenSSH or PuTTY PPK.

    .DESCRIPTION
    Convert-EC2KeyFile reads a private key in any supported format (PEM/PKCS#1, PKCS#8, OpenSSH,
    PuTTY PPK v2 or v3; encrypted or not) and writes it in the format named by -To. The new file
    is readable only by you and an existing file is not replaced unless -Force is given.

    Without -Destination the new file goes next to the input, with the extension of the new
    format (.pem, .key for OpenSSH, .ppk); it never replaces the input file.

    -To pem writes PKCS#1 ("BEGIN RSA PRIVATE KEY") for RSA keys; for ED25519 keys, which have no
    PKCS#1 form, it writes the OpenSSH format (what EC2 gives for ED25519 with KeyFormat pem).

    .PARAMETER Path
    Key file(s) to convert. Wildcards are allowed. Relative paths are resolved against the
    current PowerShell location.

    .PARAMETER LiteralPath
    Key file(s) to convert, used exactly as typed (no wildcards).

    .PARAMETER To
    Format to write: pem, pkcs8, openssh or ppk.

    .PARAMETER Destination
    File to write. Default: next to the input, with the new format's extension.

    .PARAMETER PpkVersion
    With -To ppk: 3 (default, PuTTY 0.75 and later) or 2 (older PuTTY and WinSCP).

    .PARAMETER Comment
    Comment to store in the new key (OpenSSH and PPK formats).

    .PARAMETER Passphrase
    Passphrase of the input key, if it is encrypted.

    .PARAMETER NewPassphrase
    Encrypt the written key with this passphrase. Without it the new file is not encrypted.

    .PARAMETER Force
    Replace an existing destination file.

    .EXAMPLE
    PS> Convert-EC2KeyFile -Path .\web-admin.pem -To ppk

    Writes web-admin.ppk (PuTTY PPK v3) next to web-admin.pem.

    .EXAMPLE
    PS> Convert-EC2KeyFile .\legacy.ppk -To openssh -Destination ~/.ssh/legacy -Passphrase (Read-Host -AsSecureString)

    Converts an encrypted PuTTY key to an unencrypted OpenSSH key for ssh.exe.

    .EXAMPLE
    PS> Get-ChildItem C:\keys\*.pem | Convert-EC2KeyFile -To ppk -PpkVersion 2

    Converts every PEM key in a folder to PPK v2 for an older WinSCP.

    .INPUTS
    System.IO.FileInfo or System.String paths.

    .OUTPUTS
    EC2Keys.ConvertedKeyFile. Path (input), KeyFile (the written file), Format, Encrypted.

    .LINK
    ConvertTo-EC2PuttyKey

    .LINK
    about_EC2Keys
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Low', DefaultParameterSetName = 'Path')]
    [OutputType('EC2Keys.ConvertedKeyFile')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'Path', ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path,

        [Parameter(Mandatory = $true, ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName = $true)]
        [Alias('PSPath', 'LP')]
        [ValidateNotNullOrEmpty()]
        [string[]] $LiteralPath,

        [Parameter(Mandatory = $true)]
        [ValidateSet('pem', 'pkcs8', 'openssh', 'ppk')]
        [string] $To,

        [Alias('OutFile')]
        [string] $Destination,

        [ValidateSet(2, 3)]
        [int] $PpkVersion,

        [string] $Comment,

        [securestring] $Passphrase,

        [securestring] $NewPassphrase,

        [switch] $Force
    )

    process {
        Assert-Ec2KeysParameterApplies $PSCmdlet (-not $PSBoundParameters.ContainsKey('PpkVersion') -or $To -eq 'ppk') `
            "-PpkVersion applies to PuTTY keys only: use -To ppk, or leave out -PpkVersion"
        Assert-Ec2KeysParameterApplies $PSCmdlet (-not $PSBoundParameters.ContainsKey('Comment') -or $To -ne 'pkcs8') `
            "-Comment applies to OpenSSH and PuTTY keys: a PKCS#8 file has no place for a comment"
        $files = @(Resolve-Ec2KeysPath -Cmdlet $PSCmdlet -Path $Path -LiteralPath $LiteralPath)
        $convert = @{
            Cmdlet          = $PSCmdlet
            BoundParameters = $PSBoundParameters
            To              = $To
            Destination     = $Destination
            PpkVersion      = $PpkVersion
            Passphrase      = $Passphrase
            NewPassphrase   = $NewPassphrase
            Force           = $Force
        }
        if ($PSBoundParameters.ContainsKey('Comment')) { $convert['Comment'] = $Comment }
        Invoke-Ec2KeysConvert @convert -InputPath $files
    }
}
