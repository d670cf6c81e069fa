# Get-EC2KeyFingerprint -> `ec2keys fingerprint <file>` (cli.md). Returns the fingerprints EC2
# shows (ImportedFingerprint after ImportKeyPair, CreatedFingerprint after CreateKeyPair) next to
# OpenSSH's SHA256 form, because no peer tool matches a local key to the console (peers.md §0
# finding 5). Reads public or private keys in any format; -Passphrase for encrypted PEM.

function Get-EC2KeyFingerprint {
    <#
    .SYNOPSIS
    Gets the EC2 fingerprints of a key file.

    .DESCRIPTION
    Get-EC2KeyFingerprint reads a public or private key file in any supported format (OpenSSH
    public key line, RFC 4716, PEM, PKCS#8, OpenSSH private key, PuTTY PPK) and returns the
    fingerprints you see elsewhere:

    - ImportedFingerprint: what EC2 shows for a key pair made with Import-EC2KeyPair (MD5 of the
      public key for RSA).
    - CreatedFingerprint: what EC2 shows for a key pair made by EC2 itself (SHA-1 of the private
      key for RSA); private keys only.
    - Sha256: what ssh-keygen -l and PuTTYgen print.

    Compare them with the KeyFingerprint of Get-EC2KeyPair to find which file belongs to which
    key pair, or use Test-EC2KeyPair.

    .PARAMETER Path
    Key file(s). Wildcards are allowed. Relative paths are resolved against the current
    PowerShell location.

    .PARAMETER LiteralPath
    Key file(s), used exactly as typed (no wildcards).

    .PARAMETER Passphrase
    Passphrase of an encrypted private key whose public half is encrypted too (encrypted PEM or
    PKCS#8).

    .EXAMPLE
    PS> Get-EC2KeyFingerprint .\web-admin.pem

    Shows the imported and created EC2 fingerprints and the SHA256 fingerprint of the key.

    .EXAMPLE
    PS> Get-ChildItem ~/.ssh/*.pub | Get-EC2KeyFingerprint | Format-Table Path, KeyType, ImportedFingerprint

    Lists the EC2 fingerprints of every public key in ~/.ssh.

    .INPUTS
    System.IO.FileInfo or System.String paths.

    .OUTPUTS
    EC2Keys.KeyFingerprint. Path, KeyType, Bits, ImportedFingerprint, CreatedFingerprint (private
    keys only) and Sha256.

    .LINK
    Test-EC2KeyPair

    .LINK
    about_EC2Keys
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    [OutputType('EC2Keys.KeyFingerprint')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'Path', ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path,

        [Parameter(Mandatory = $true, ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName = $true)]
        [Alias('PSPath', 'LP')]
        [ValidateNotNullOrEmpty()]
        [string[]] $LiteralPath,

        [securestring] $Passphrase
    )

    process {
        foreach ($f in @(Resolve-Ec2KeysPath -Cmdlet $PSCmdlet -Path $Path -LiteralPath $LiteralPath)) {
            $argv = @('fingerprint') + @(Get-Ec2KeysPositional $f)
            $r = Invoke-Ec2KeysCli -ArgumentList $argv -Cmdlet $PSCmdlet -Passphrase $Passphrase -Target $f
            if ($null -eq $r) { continue }
            $o = [pscustomobject]@{ Path = $f }
            foreach ($p in $r.PSObject.Properties) { Set-Ec2KeysProperty -InputObject $o -Name $p.Name -Value $p.Value }
            $o | Add-Ec2KeysTypeName -TypeName 'EC2Keys.KeyFingerprint'
        }
    }
}
