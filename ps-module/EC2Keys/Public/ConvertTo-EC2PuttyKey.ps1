# ConvertTo-EC2PuttyKey: the everyday case of Convert-EC2KeyFile (`ec2keys convert --to ppk`,
# cli.md) under the name Windows admins search for — a .pem from EC2 into a .ppk for PuTTY or
# WinSCP. Same rules: passphrases only through environment variables, paths resolved against
# the PowerShell location, an existing file kept unless -Force.

function ConvertTo-EC2PuttyKey {
    <#
    .SYNOPSIS
    Converts a private key file to a PuTTY .ppk file.

    .DESCRIPTION
    ConvertTo-EC2PuttyKey reads a private key in any supported format (PEM/PKCS#1 as EC2 gives
    it, PKCS#8, OpenSSH, or another PPK) and writes a PuTTY private key file, version 3 by default
    (PuTTY 0.75 and later) or version 2 with -PpkVersion 2 (older PuTTY, WinSCP 5.x).
    It is Convert-EC2KeyFile -To ppk.

    Without -Destination the .ppk file goes next to the input. An existing file is not replaced
    unless -Force is given.

    .PARAMETER Path
    Key file(s) to convert. Wildcards are allowed. Relative paths are resolved against the
    current PowerShell location.

    .PARAMETER LiteralPath
    Key file(s) to convert, used exactly as typed (no wildcards).

    .PARAMETER Destination
    The .ppk file to write. Default: next to the input, with the extension .ppk.

    .PARAMETER PpkVersion
    3 (default) or 2.

    .PARAMETER Comment
    Comment stored in the .ppk file (PuTTY shows it when asking for the passphrase).

    .PARAMETER Passphrase
    Passphrase of the input key, if it is encrypted.

    .PARAMETER NewPassphrase
    Encrypt the .ppk file with this passphrase. Without it the .ppk file is not encrypted.

    .PARAMETER Force
    Replace an existing .ppk file.

    .EXAMPLE
    PS> ConvertTo-EC2PuttyKey .\web-admin.pem

    Writes web-admin.ppk next to web-admin.pem.

    .EXAMPLE
    PS> ConvertTo-EC2PuttyKey .\web-admin.pem -Destination C:\putty\web.ppk -PpkVersion 2 -NewPassphrase (Read-Host -AsSecureString)

    Writes an encrypted PPK v2 file for an older WinSCP.

    .INPUTS
    System.IO.FileInfo or System.String paths.

    .OUTPUTS
    EC2Keys.ConvertedKeyFile. Path (input), KeyFile (the .ppk), Format (ppk), Encrypted.

    .LINK
    Convert-EC2KeyFile

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
        $files = @(Resolve-Ec2KeysPath -Cmdlet $PSCmdlet -Path $Path -LiteralPath $LiteralPath)
        $convert = @{
            Cmdlet          = $PSCmdlet
            BoundParameters = $PSBoundParameters
            To              = 'ppk'
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
