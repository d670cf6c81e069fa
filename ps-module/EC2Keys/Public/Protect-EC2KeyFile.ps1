# Protect-EC2KeyFile -> `ec2keys protect <file>...` (cli.md): restrict key files to their owner
# (POSIX 0600; Windows: owner-only ACL, inheritance removed) — the fix for OpenSSH's "UNPROTECTED
# PRIVATE KEY FILE" that Windows users otherwise do by hand with icacls. It changes permissions,
# so it supports -WhatIf/-Confirm; it returns one object per file saying what changed.

function Protect-EC2KeyFile {
    <#
    .SYNOPSIS
    Restricts private key files so that only you can read them.

    .DESCRIPTION
    Protect-EC2KeyFile sets the permissions OpenSSH requires on a private key file: on Windows an
    access list that grants only the current user (inherited entries removed); on Linux and macOS
    mode 0600. It fixes ssh's "WARNING: UNPROTECTED PRIVATE KEY FILE!" error.

    One object per file tells the permissions before and after, and whether anything changed. A
    file that cannot be protected (missing, not a regular file) is a non-terminating error naming
    it; the other files are still done.

    .PARAMETER Path
    Key file(s) to protect. Wildcards are allowed. Relative paths are resolved against the current
    PowerShell location.

    .PARAMETER LiteralPath
    Key file(s) to protect, used exactly as typed (no wildcards).

    .EXAMPLE
    PS> Protect-EC2KeyFile .\web-admin.pem

    Makes web-admin.pem readable only by you.

    .EXAMPLE
    PS> Get-ChildItem ~/.ssh -Filter *.pem | Protect-EC2KeyFile -WhatIf

    Shows which key files would be changed, without changing them.

    .INPUTS
    System.IO.FileInfo or System.String paths.

    .OUTPUTS
    EC2Keys.KeyFileProtection. Path, Before, After, Changed.

    .LINK
    New-EC2KeyPair

    .LINK
    about_EC2Keys
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Path')]
    [OutputType('EC2Keys.KeyFileProtection')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'Path', ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path,

        [Parameter(Mandatory = $true, ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName = $true)]
        [Alias('PSPath', 'LP')]
        [ValidateNotNullOrEmpty()]
        [string[]] $LiteralPath
    )

    process {
        foreach ($f in @(Resolve-Ec2KeysPath -Cmdlet $PSCmdlet -Path $Path -LiteralPath $LiteralPath)) {
            if (-not $PSCmdlet.ShouldProcess($f, 'Restrict key file to its owner')) { continue }
            $argv = @('protect') + @(Get-Ec2KeysPositional $f)
            # {"Results":[{File, Before, After, Changed} | {File, Error:{Code, Message}}]}, also on
            # exit 1 (a file that could not be protected): one object per file done, one error per file not.
            $r = Invoke-Ec2KeysCli -ArgumentList $argv -Cmdlet $PSCmdlet -Target $f -AcceptPartialResult
            if ($null -eq $r) { continue }
            foreach ($item in @($r.Results)) {
                if ($null -eq $item) { continue }
                $file = if ($item.PSObject.Properties['File'] -and $item.File) { [string]$item.File } else { $f }
                if ($item.PSObject.Properties['Error'] -and $item.Error) {
                    $PSCmdlet.WriteError((New-Ec2KeysErrorRecord -ErrorDocument $item.Error -Target $file))
                    continue
                }
                [pscustomobject]@{ Path = $file; Before = $item.Before; After = $item.After; Changed = [bool]$item.Changed } |
                    Add-Ec2KeysTypeName -TypeName 'EC2Keys.KeyFileProtection'
            }
        }
    }
}
