# Get-EC2PasswordData -> `ec2keys password` (cli.md). Parameter names as AWS.Tools.EC2's
# Get-EC2PasswordData (peers.md §1.5: -InstanceId position 0 by property name, -PemFile, -Decrypt)
# but the key may be in ANY format the executable reads (PEM, PKCS#8, OpenSSH, PuTTY PPK),
# encrypted or not — AWS.Tools accepts only unencrypted PKCS#1 (peers.md §0 finding 1). Adds
# -PasswordData (decrypt a blob you already have), -Wait, -Passphrase (SecureString, passed in
# EC2KEYS_PASSPHRASE) and -AsCredential. A password that is not ready yet is an error
# (Ec2Keys.PasswordNotReady) instead of AWS.Tools' warning with no output.

function Get-EC2PasswordData {
    <#
    .SYNOPSIS
    Decrypts the Windows Administrator password of an EC2 instance.

    .DESCRIPTION
    Get-EC2PasswordData decrypts the initial Windows Administrator password of an EC2 instance
    with the private key of the key pair the instance was launched with. The password data comes
    from EC2 (-InstanceId, with the EC2 store) or from -PasswordData when you already have it.

    The key file (-PemFile, alias -KeyFile) may be PEM (PKCS#1), PKCS#8, OpenSSH or PuTTY PPK,
    encrypted or not: give the passphrase with -Passphrase. Distinct errors tell a key that does
    not match the instance (Ec2Keys.WrongKey) from a password that is not available yet
    (Ec2Keys.PasswordNotReady; use -Wait) and from a wrong passphrase (Ec2Keys.BadPassphrase).

    The password is returned as a string, as AWS.Tools.EC2 does, or as a PSCredential for
    Administrator with -AsCredential (never shown on screen).

    .PARAMETER InstanceId
    The instance whose password to fetch from EC2 (i-0123456789abcdef0).

    .PARAMETER PasswordData
    The base64 PasswordData text that EC2's GetPasswordData returned, to decrypt without asking
    EC2.

    .PARAMETER PemFile
    Private key file of the instance's key pair, in any supported format despite the name
    (alias -KeyFile). Relative paths are resolved against the current PowerShell location.

    .PARAMETER Decrypt
    Accepted for AWS.Tools.EC2 compatibility; the password is always decrypted.

    .PARAMETER Wait
    With -InstanceId: wait until the password is available (a new instance takes a few minutes),
    up to -TimeoutSec seconds.

    .PARAMETER TimeoutSec
    With -Wait: give up after this many seconds (default 900).

    .PARAMETER Passphrase
    Passphrase of an encrypted key file.

    .PARAMETER AsCredential
    Return a PSCredential for the Administrator user instead of the password string.

    .PARAMETER Region
    AWS region of the instance.

    .PARAMETER ProfileName
    AWS shared-credentials profile to use.

    .PARAMETER EndpointUrl
    EC2 endpoint URL (for example a test endpoint on 127.0.0.1).

    .PARAMETER Store
    local or ec2; instances exist only in EC2, so -InstanceId needs ec2 (here or in
    $env:EC2KEYS_STORE).

    .EXAMPLE
    PS> Get-EC2PasswordData -InstanceId i-0123456789abcdef0 -PemFile .\web-admin.ppk -Store ec2

    Decrypts the password of an instance with a PuTTY key.

    .EXAMPLE
    PS> $cred = Get-EC2PasswordData i-0123456789abcdef0 -KeyFile .\web.pem -Wait -AsCredential -Store ec2
    PS> mstsc /v:$ip   # then use $cred.GetNetworkCredential().Password

    Waits for a new instance's password and returns it as a credential.

    .EXAMPLE
    PS> $blob = (aws ec2 get-password-data --instance-id i-0abc --query PasswordData --output text)
    PS> Get-EC2PasswordData -PasswordData $blob -PemFile .\web.key -Passphrase (Read-Host -AsSecureString)

    Decrypts password data you already have with a passphrase-protected OpenSSH key.

    .INPUTS
    Objects with an InstanceId property (for example EC2 instances), or with PasswordData.

    .OUTPUTS
    System.String (the password), or System.Management.Automation.PSCredential with -AsCredential.

    .LINK
    New-EC2KeyPair

    .LINK
    about_EC2Keys
    #>
    [CmdletBinding(DefaultParameterSetName = 'Instance')]
    [OutputType([string], [System.Management.Automation.PSCredential])]
    param(
        [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'Instance', ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $InstanceId,

        [Parameter(Mandatory = $true, ParameterSetName = 'Data', ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $PasswordData,

        [Parameter(Mandatory = $true)]
        [Alias('KeyFile')]
        [ValidateNotNullOrEmpty()]
        [string] $PemFile,

        [switch] $Decrypt,

        [Parameter(ParameterSetName = 'Instance')]
        [switch] $Wait,

        [Parameter(ParameterSetName = 'Instance')]
        [ValidateRange(1, 86400)]
        [int] $TimeoutSec,

        [securestring] $Passphrase,

        [switch] $AsCredential,

        [string] $Region,

        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,

        [string] $EndpointUrl,

        [ValidateSet('local', 'ec2')]
        [string] $Store
    )

    process {
        Assert-Ec2KeysParameterApplies $PSCmdlet (-not $PSBoundParameters.ContainsKey('TimeoutSec') -or $Wait) `
            "-TimeoutSec applies with -Wait only: without it, the password data is fetched once"
        $key = @(Resolve-Ec2KeysPath -Cmdlet $PSCmdlet -LiteralPath $PemFile)
        if (-not $key.Count) { return }
        $argv = @(Get-Ec2KeysGlobalArgument -BoundParameters $PSBoundParameters) + @('password')
        if ($PSCmdlet.ParameterSetName -eq 'Instance') {
            $argv += @('--instance-id', $InstanceId)
            if ($Wait) { $argv += '--wait' }
            if ($TimeoutSec) { $argv += @('--timeout', [string]$TimeoutSec) }
            $target = $InstanceId
        } else {
            $argv += @(Get-Ec2KeysOptionValue '--data' ($PasswordData.Trim()))
            $target = $key[0]
        }
        $argv += @('--key', $key[0])

        $r = Invoke-Ec2KeysCli -ArgumentList $argv -Cmdlet $PSCmdlet -Passphrase $Passphrase -Target $target
        if ($null -eq $r) { return }
        $password = [string]$r.Password
        if ($AsCredential) {
            $secure = [securestring]::new()
            foreach ($ch in $password.ToCharArray()) { $secure.AppendChar($ch) }
            $secure.MakeReadOnly()
            return [System.Management.Automation.PSCredential]::new('Administrator', $secure)
        }
        $password
    }
}
