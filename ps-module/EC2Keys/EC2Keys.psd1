# Module manifest for EC2Keys (issue #5 §1). Runs on Windows PowerShell 5.1 (Desktop) and
# PowerShell 7 (Core). FunctionsToExport is an explicit list (no wildcards: command discovery
# and auto-loading read it without loading the module).
@{
    RootModule           = 'EC2Keys.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '272b7e9f-2ce3-4cec-a614-9c931d74cb54'
    Author               = 'ec2keys contributors'
    CompanyName          = 'ec2keys'
    Copyright            = '(c) ec2keys contributors. MIT License.'
    Description          = 'Amazon EC2 key pairs for Windows admins: create, import, list and remove key pairs, convert private keys between PEM, PKCS#8, OpenSSH and PuTTY PPK, check fingerprints, protect key files, and decrypt the EC2 Windows Administrator password with a key in any format. A thin wrapper over the ec2keys executable.'
    CompatiblePSEditions = @('Desktop', 'Core')
    PowerShellVersion    = '5.1'
    FormatsToProcess     = @('EC2Keys.Format.ps1xml')
    FunctionsToExport    = @(
        'Convert-EC2KeyFile'
        'Export-EC2PrivateKey'
        'ConvertTo-EC2PuttyKey'
        'Get-EC2KeyFingerprint'
        'Get-EC2KeyPair'
        'Get-EC2PasswordData'
        'Import-EC2KeyPair'
        'New-EC2KeyPair'
        'Protect-EC2KeyFile'
        'Publish-EC2KeyPair'
        'Remove-EC2KeyPair'
        'Test-EC2KeyPair'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('AWS', 'EC2', 'KeyPair', 'SSH', 'PuTTY', 'PPK', 'Windows', 'Password', 'PSEdition_Desktop', 'PSEdition_Core', 'Linux', 'MacOS')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
    HelpInfoURI          = 'https://www.npmjs.com/package/ec2keys'
}
