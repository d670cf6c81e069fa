# Test-EC2KeyPair -> `ec2keys verify <keyfile> <name>` (cli.md). A Test- cmdlet answers $true or
# $false: exit 0 is $true, Ec2Keys.KeyMismatch is $false. Anything else (no such key pair, wrong
# passphrase, unreadable file) is not an answer and is written as an error with no output, so
# `if (Test-EC2KeyPair ...)` is false and -ErrorAction still works.

function Test-EC2KeyPair {
    <#
    .SYNOPSIS
    Tests whether a private or public key file belongs to a key pair.

    .DESCRIPTION
    Test-EC2KeyPair compares a key file with the key pair -KeyName in the key-pair store and
    returns $true when they match (by either EC2 fingerprint form: the one EC2 shows for imported
    keys and the one it shows for keys it created), $false when they do not.

    A key pair that does not exist, a wrong passphrase or an unreadable file is written as an
    error (and nothing is returned), so scripts can tell "not this key" from "could not check".

    .PARAMETER KeyName
    Name of the key pair to compare with.

    .PARAMETER Path
    The key file. Wildcards are allowed if they match exactly one file. Relative paths are
    resolved against the current PowerShell location.

    .PARAMETER LiteralPath
    The key file, used exactly as typed (no wildcards).

    .PARAMETER Passphrase
    Passphrase of an encrypted key file, if it is needed to read the public key.

    .PARAMETER Region
    AWS region of the key pair.

    .PARAMETER ProfileName
    AWS shared-credentials profile to use.

    .PARAMETER EndpointUrl
    EC2 endpoint URL (for example a test endpoint on 127.0.0.1).

    .PARAMETER Store
    Where key pairs live: local (default) or ec2. Default: $env:EC2KEYS_STORE, else local.

    .EXAMPLE
    PS> Test-EC2KeyPair -KeyName web-admin -Path .\web-admin.ppk

    Returns True when web-admin.ppk is the private key of the key pair web-admin.

    .EXAMPLE
    PS> Get-EC2KeyPair | Where-Object { Test-EC2KeyPair -KeyName $_.KeyName -Path .\unknown.pem }

    Finds which key pair an unlabelled key file belongs to.

    .INPUTS
    Objects with a KeyName property (for example from Get-EC2KeyPair).

    .OUTPUTS
    System.Boolean.

    .LINK
    Get-EC2KeyFingerprint

    .LINK
    about_EC2Keys
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [ArgumentCompleter({ param($c, $p, $w, $a, $f) $m = @(Get-Module -Name EC2Keys)[0]; if ($m) { & $m { Get-Ec2KeysKeyNameCompletion @args } $c $p $w $a $f } })]
        [ValidateNotNullOrEmpty()]
        [string] $KeyName,

        [Parameter(Mandatory = $true, Position = 1, ParameterSetName = 'Path')]
        [Alias('KeyFile', 'PemFile')]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [Parameter(Mandatory = $true, ParameterSetName = 'LiteralPath')]
        [Alias('LP')]
        [ValidateNotNullOrEmpty()]
        [string] $LiteralPath,

        [securestring] $Passphrase,

        [string] $Region,

        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,

        [string] $EndpointUrl,

        [ValidateSet('local', 'ec2')]
        [string] $Store
    )

    process {
        $files = @(Resolve-Ec2KeysPath -Cmdlet $PSCmdlet -Path $Path -LiteralPath $LiteralPath)
        if ($files.Count -ne 1) {
            if ($files.Count -gt 1) {
                $ex = [System.ArgumentException]::new("-Path '$Path' matches $($files.Count) files; give exactly one")
                $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new($ex, 'Ec2Keys.AmbiguousPath', 'InvalidArgument', $Path))
            }
            return
        }
        $argv = @(Get-Ec2KeysGlobalArgument -BoundParameters $PSBoundParameters) + @('verify') + @(Get-Ec2KeysPositional @($files[0], $KeyName))
        $r = Invoke-Ec2KeysCli -ArgumentList $argv -Cmdlet $PSCmdlet -Passphrase $Passphrase -Target $KeyName -PassThruError
        if ($null -ne $r -and $r.PSObject.Properties['ErrorRecord']) {
            if ($r.Code -eq 'Ec2Keys.KeyMismatch') {
                $PSCmdlet.WriteVerbose($r.Message)
                return $false
            }
            $PSCmdlet.WriteError($r.ErrorRecord)
            return
        }
        $true
    }
}
