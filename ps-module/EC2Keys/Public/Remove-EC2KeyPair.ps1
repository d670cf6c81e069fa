# Remove-EC2KeyPair -> `ec2keys remove --yes` (cli.md). As AWS.Tools.EC2's Remove-EC2KeyPair
# (peers.md §1.4): SupportsShouldProcess with ConfirmImpact High (asks by default), -Force skips
# the question, -WhatIf wins over -Force and changes nothing; KeyName and KeyPairId bind by
# property name so `Get-EC2KeyPair | Remove-EC2KeyPair` works. Better than AWS.Tools: the
# question names both the key name and its id (AWS.Tools shows an empty target when removing by
# id). The executable is always called with --yes because PowerShell has already asked.

function Remove-EC2KeyPair {
    <#
    .SYNOPSIS
    Deletes a key pair.

    .DESCRIPTION
    Remove-EC2KeyPair deletes a key pair from the key-pair store (the local registry by default,
    or EC2 with -Store ec2), by name or by id. The private key file on your disk is not touched.

    It asks for confirmation (the question shows the key name and id) unless -Force or
    -Confirm:$false is given; -WhatIf shows what would be deleted and deletes nothing.

    A key pair given by name is looked up first: the question shows its id, and a name that does
    not exist is an InvalidKeyPair.NotFound error (EC2 itself reports success for it, so a typo
    would go unnoticed). The deletion is then made by name, as asked (every EC2-compatible
    endpoint honours a name; some, such as moto and the emulators built on it, ignore an id and
    report success). Key pairs piped from Get-EC2KeyPair carry both: no second look-up, deleted by
    name.

    .PARAMETER KeyName
    Name of the key pair to delete.

    .PARAMETER KeyPairId
    Id of the key pair to delete (key-0123456789abcdef0), when you do not give its name. When
    both are known (pipeline input from Get-EC2KeyPair) the name is used and the id is shown in
    the question.

    .PARAMETER Force
    Do not ask for confirmation. -WhatIf still wins.

    .PARAMETER PassThru
    Output the result (KeyName, KeyPairId, Return) of each deletion.

    .PARAMETER Region
    AWS region of the key pair.

    .PARAMETER ProfileName
    AWS shared-credentials profile to use.

    .PARAMETER EndpointUrl
    EC2 endpoint URL (for example a test endpoint on 127.0.0.1).

    .PARAMETER Store
    Where key pairs live: local (default) or ec2. Default: $env:EC2KEYS_STORE, else local.

    .EXAMPLE
    PS> Remove-EC2KeyPair -KeyName old-key

    Asks "Remove EC2 key pair" for old-key (key-...), then deletes it.

    .EXAMPLE
    PS> Get-EC2KeyPair -Filter @{ 'tag:env' = 'test' } | Remove-EC2KeyPair -Force

    Deletes every key pair tagged env=test without asking.

    .EXAMPLE
    PS> Remove-EC2KeyPair -KeyPairId key-0123456789abcdef0 -WhatIf

    Shows what would be deleted; deletes nothing.

    .INPUTS
    EC2Keys.KeyPairInfo, or any object with KeyName and/or KeyPairId properties; System.String
    key names.

    .OUTPUTS
    None by default. With -PassThru, EC2Keys.RemoveKeyPairResult (KeyName, KeyPairId, Return).

    .LINK
    Get-EC2KeyPair

    .LINK
    about_EC2Keys
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
    [OutputType('EC2Keys.RemoveKeyPairResult')]
    param(
        [Parameter(Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [ArgumentCompleter({ param($c, $p, $w, $a, $f) $m = @(Get-Module -Name EC2Keys)[0]; if ($m) { & $m { Get-Ec2KeysKeyNameCompletion @args } $c $p $w $a $f } })]
        [string] $KeyName,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [string] $KeyPairId,

        [switch] $Force,

        [switch] $PassThru,

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
        if (-not $KeyName -and -not $KeyPairId) {
            $ex = [System.ArgumentException]::new('give -KeyName or -KeyPairId (or pipe key pairs from Get-EC2KeyPair)')
            $record = [System.Management.Automation.ErrorRecord]::new($ex, 'MissingParameter', 'InvalidArgument', $null)
            $PSCmdlet.WriteError($record)
            return
        }
        $globals = @(Get-Ec2KeysGlobalArgument -BoundParameters $PSBoundParameters)
        $id = $KeyPairId
        if (-not $id -and $KeyName) {
            # By name: look the pair up first, so the question can show its id and a mistyped
            # name is an InvalidKeyPair.NotFound error instead of EC2's silent success.
            $look = Invoke-Ec2KeysCli -ArgumentList ($globals + @('get') + @(Get-Ec2KeysPositional $KeyName)) -Cmdlet $PSCmdlet -Target $KeyName -PassThruError
            if ($null -ne $look -and $look.PSObject.Properties['ErrorRecord']) {
                if ($look.Code -eq 'InvalidKeyPair.NotFound') { $PSCmdlet.WriteError($look.ErrorRecord); return }
                # Any other failure (no DescribeKeyPairs permission, say): remove by name as asked.
                $PSCmdlet.WriteVerbose("could not look up key pair '$KeyName' ($($look.Code)); removing it by name")
            } elseif ($null -ne $look) {
                $found = @($look.KeyPairs)
                if ($found.Count -ge 1 -and $found[0].KeyPairId) { $id = [string]$found[0].KeyPairId }
            }
        }
        $argv = $globals + @('remove')
        if ($KeyName) { $argv += @(Get-Ec2KeysPositional $KeyName) } else { $argv += @('--id', $id) }
        $argv += '--yes'

        $what = Format-Ec2KeysKeyPairTarget -KeyName $KeyName -KeyPairId $id
        if (-not $PSCmdlet.ShouldProcess($what, 'Remove EC2 key pair')) { return }
        $target = if ($KeyName) { $KeyName } else { $KeyPairId }
        $r = Invoke-Ec2KeysCli -ArgumentList $argv -Cmdlet $PSCmdlet -Target $target
        if ($null -eq $r -or -not $PassThru) { return }
        $returned = $true
        if ($r.PSObject.Properties['Return']) { $returned = [bool]$r.Return }
        if ($r.PSObject.Properties['KeyPairId'] -and $r.KeyPairId) { $id = [string]$r.KeyPairId }
        [pscustomobject]@{ KeyName = $KeyName; KeyPairId = $id; Return = $returned } | Add-Ec2KeysTypeName -TypeName 'EC2Keys.RemoveKeyPairResult'
    }
}
