# Turns the executable's error document {Code, Message, Hint, Target} into an ErrorRecord
# (issue #5 §2; Microsoft "Windows PowerShell Error Records"): ErrorId = the EC2 / ec2keys code,
# so FullyQualifiedErrorId reads "InvalidKeyPair.NotFound,Get-EC2KeyPair" and scripts can switch
# on it; a category that PowerShell users filter on; TargetObject = the key name or file;
# RecommendedAction = the executable's hint (what to type). The message is the executable's own
# (lower-case, names what was seen and what is accepted — style.md), never rewritten here.

# Exact codes first (cli.md "Exit codes and errors", src/errors.ts Codes), then families by
# suffix/prefix so a code added later still lands somewhere sensible.
$script:Ec2KeysErrorCategory = @{
    'InvalidKeyPair.NotFound'       = 'ObjectNotFound'
    'InvalidInstanceID.NotFound'    = 'ObjectNotFound'
    'InvalidInstanceID.Malformed'   = 'InvalidArgument'
    'InvalidKeyPair.Duplicate'      = 'ResourceExists'
    'Ec2Keys.FileExists'            = 'ResourceExists'
    'InvalidKey.Format'             = 'InvalidData'
    'Ec2Keys.CorruptKey'            = 'InvalidData'
    'Ec2Keys.WrongKey'              = 'InvalidData'
    'Ec2Keys.KeyMismatch'           = 'InvalidResult'
    'Ec2Keys.StoreCorrupt'          = 'InvalidData'
    'Ec2Keys.InvalidResponse'       = 'InvalidResult'
    'Ec2Keys.BadPassphrase'         = 'AuthenticationError'
    'Ec2Keys.PassphraseRequired'    = 'SecurityError'
    'Ec2Keys.CredentialsError'      = 'AuthenticationError'
    'AuthFailure'                   = 'AuthenticationError'
    'UnauthorizedOperation'         = 'PermissionDenied'
    'InvalidParameterValue'         = 'InvalidArgument'
    'InvalidParameter'              = 'InvalidArgument'
    'MissingParameter'              = 'InvalidArgument'
    'InvalidFilter'                 = 'InvalidArgument'
    'InvalidTagKey.Malformed'       = 'InvalidArgument'
    'Ec2Keys.Usage'                 = 'InvalidArgument'
    'Ec2Keys.PasswordNotReady'      = 'ResourceUnavailable'
    'Ec2Keys.UnsupportedForWindows' = 'InvalidOperation'
    'Unsupported'                   = 'NotImplemented'
    'KeyPairLimitExceeded'          = 'LimitsExceeded'
    'TagLimitExceeded'              = 'LimitsExceeded'
    'Ec2Keys.KdfLimitExceeded'      = 'LimitsExceeded'
    'Ec2Keys.StoreLocked'           = 'ResourceBusy'
    'Ec2Keys.EndpointError'         = 'ConnectionError'
    'Ec2Keys.Timeout'               = 'OperationTimeout'
    'Ec2Keys.Interrupted'           = 'OperationStopped'
    'Ec2Keys.Cancelled'             = 'OperationStopped'
    'Ec2Keys.ExecutableNotFound'    = 'ObjectNotFound'
}

function Get-Ec2KeysErrorCategory {
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorCategory])]
    param([string] $Code, [int] $ExitCode = 1, [string] $Message)
    $name = $script:Ec2KeysErrorCategory[$Code]
    if (-not $name) {
        if ($Code -eq 'Ec2Keys.FileError') {
            # One code covers every file-system failure; the message says which.
            if ($Message -match 'no such file|not found|does not exist|ENOENT') { $name = 'ObjectNotFound' }
            elseif ($Message -match 'permission|access is denied|EACCES|EPERM') { $name = 'PermissionDenied' }
            else { $name = 'WriteError' }
        }
        elseif ($Code -like '*.NotFound') { $name = 'ObjectNotFound' }
        elseif ($Code -like '*.Duplicate' -or $Code -like '*.InUse') { $name = 'ResourceExists' }
        elseif ($Code -like '*.Malformed' -or $Code -like 'Invalid*') { $name = 'InvalidArgument' }
        elseif ($Code -like '*LimitExceeded') { $name = 'LimitsExceeded' }
        elseif ($ExitCode -eq 2) { $name = 'InvalidArgument' }
        elseif ($ExitCode -eq 130) { $name = 'OperationStopped' }
        else { $name = 'NotSpecified' }
    }
    [System.Management.Automation.ErrorCategory]$name
}

function New-Ec2KeysErrorRecord {
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory = $true)] [object] $ErrorDocument,
        [int] $ExitCode = 1,
        [object] $Target
    )
    $code = [string]$ErrorDocument.Code
    if (-not $code) { $code = 'Ec2Keys.ProcessFailed' }
    $message = [string]$ErrorDocument.Message
    if (-not $message) { $message = "ec2keys failed with $code" }
    $hint = $null
    if ($ErrorDocument.PSObject.Properties['Hint']) { $hint = [string]$ErrorDocument.Hint }
    $targetObject = $Target
    if ($ErrorDocument.PSObject.Properties['Target'] -and $ErrorDocument.Target) { $targetObject = [string]$ErrorDocument.Target }

    $category = Get-Ec2KeysErrorCategory -Code $code -ExitCode $ExitCode -Message $message
    # The exception type follows the category, so `catch [System.Management.Automation.ItemNotFoundException]`
    # and friends work as they do for built-in cmdlets.
    $exception = switch ($category.ToString()) {
        'ObjectNotFound' { [System.Management.Automation.ItemNotFoundException]::new($message) }
        'InvalidArgument' { [System.ArgumentException]::new($message) }
        'InvalidData' { [System.IO.InvalidDataException]::new($message) }
        'AuthenticationError' { [System.Security.Authentication.AuthenticationException]::new($message) }
        'SecurityError' { [System.Security.SecurityException]::new($message) }
        'PermissionDenied' { [System.UnauthorizedAccessException]::new($message) }
        'OperationTimeout' { [System.TimeoutException]::new($message) }
        'NotImplemented' { [System.NotSupportedException]::new($message) }
        default { [System.InvalidOperationException]::new($message) }
    }
    $exception.Data['Ec2KeysCode'] = $code
    $exception.Data['ExitCode'] = $ExitCode
    if ($hint) { $exception.Data['Hint'] = $hint }

    $record = [System.Management.Automation.ErrorRecord]::new($exception, $code, $category, $targetObject)
    $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($message)
    if ($hint) { $record.ErrorDetails.RecommendedAction = $hint }
    $record
}
