# Publish-EC2KeyPair -> `ec2keys push <name> --regions R1,R2|all` (cli.md): import a local key
# pair's public key into EC2 in several regions at once. One result object per region; a region
# that failed (a different key under the same name there, say) is written as an error for that
# region with the region in TargetObject, and the other regions still go ahead.

function Publish-EC2KeyPair {
    <#
    .SYNOPSIS
    Imports a local key pair's public key into EC2 in one or more regions.

    .DESCRIPTION
    Publish-EC2KeyPair takes a key pair from the local registry and imports its public key into
    Amazon EC2 under the same name in each region given by -DestinationRegion (or every region
    with -AllRegions), so the same private key works everywhere. A region that already has the
    same key under that name counts as done; a region that has a different key under that name
    is an error for that region only.

    .PARAMETER KeyName
    Name of the local key pair to publish.

    .PARAMETER DestinationRegion
    EC2 regions to import the key into, for example 'us-east-1', 'eu-west-1'.

    .PARAMETER AllRegions
    Import the key into every EC2 region enabled for the account.

    .PARAMETER Force
    Do not ask for confirmation.

    .PARAMETER Region
    Region of the local key pair to publish (the local registry keeps key pairs per region).

    .PARAMETER ProfileName
    AWS shared-credentials profile to use for EC2.

    .PARAMETER EndpointUrl
    EC2 endpoint URL (for example a test endpoint on 127.0.0.1).

    .EXAMPLE
    PS> Publish-EC2KeyPair -KeyName web-admin -DestinationRegion us-east-1, eu-west-1

    Imports web-admin's public key into two regions.

    .EXAMPLE
    PS> Get-EC2KeyPair -Filter @{ 'tag:scope' = 'global' } | Publish-EC2KeyPair -AllRegions -Force

    Publishes every local key pair tagged scope=global to all regions without asking.

    .INPUTS
    Objects with a KeyName property (for example from Get-EC2KeyPair).

    .OUTPUTS
    EC2Keys.PublishResult. KeyName, Region and the fields EC2 returned (KeyPairId, KeyFingerprint).

    .LINK
    Import-EC2KeyPair

    .LINK
    about_EC2Keys
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Regions')]
    [OutputType('EC2Keys.PublishResult')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [ArgumentCompleter({ param($c, $p, $w, $a, $f) $m = @(Get-Module -Name EC2Keys)[0]; if ($m) { & $m { Get-Ec2KeysKeyNameCompletion @args } $c $p $w $a $f } })]
        [ValidateNotNullOrEmpty()]
        [string] $KeyName,

        [Parameter(Mandatory = $true, Position = 1, ParameterSetName = 'Regions')]
        [Alias('Regions')]
        [ValidateNotNullOrEmpty()]
        [string[]] $DestinationRegion,

        [Parameter(Mandatory = $true, ParameterSetName = 'All')]
        [switch] $AllRegions,

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
        $regions = if ($AllRegions) { 'all' } else { (@($DestinationRegion) -join ',') }
        $argv = @(Get-Ec2KeysGlobalArgument -BoundParameters $PSBoundParameters) + @('push', '--regions', $regions) + @(Get-Ec2KeysPositional $KeyName)
        if (-not $PSCmdlet.ShouldProcess("$KeyName -> $regions", 'Publish EC2 key pair')) { return }
        $r = Invoke-Ec2KeysCli -ArgumentList $argv -Cmdlet $PSCmdlet -Target $KeyName -AcceptPartialResult
        if ($null -eq $r) { return }
        foreach ($item in @($r.Results)) {
            if ($null -eq $item) { continue }
            if ($item.PSObject.Properties['Error'] -and $item.Error) {
                $where = if ($item.PSObject.Properties['Region']) { [string]$item.Region } else { $null }
                $PSCmdlet.WriteError((New-Ec2KeysErrorRecord -ErrorDocument $item.Error -Target ("{0} ({1})" -f $KeyName, $where)))
                continue
            }
            if (-not $item.PSObject.Properties['KeyName']) { Set-Ec2KeysProperty -InputObject $item -Name 'KeyName' -Value $KeyName }
            $item | Add-Ec2KeysTypeName -TypeName 'EC2Keys.PublishResult'
        }
    }
}
