# EC2Keys root module (issue #5 §1): dot-sources Private/ (the executable gateway and helpers)
# and Public/ (one cmdlet per file), then exports exactly the public functions the manifest
# lists. All key handling lives in the ec2keys executable; this module only translates
# PowerShell parameters, objects and errors (shared/reference/cli.md is the contract).

$script:Ec2KeysModuleRoot = $PSScriptRoot

foreach ($folder in @('Private', 'Public')) {
    $dir = [System.IO.Path]::Combine($PSScriptRoot, $folder)
    if (-not [System.IO.Directory]::Exists($dir)) { continue }
    $files = [System.IO.Directory]::GetFiles($dir, '*.ps1')
    [System.Array]::Sort($files, [System.StringComparer]::Ordinal)
    foreach ($file in $files) {
        . $file
    }
}

$publicFunctions = @(
    foreach ($file in [System.IO.Directory]::GetFiles([System.IO.Path]::Combine($PSScriptRoot, 'Public'), '*.ps1')) {
        [System.IO.Path]::GetFileNameWithoutExtension($file)
    }
)
Export-ModuleMember -Function $publicFunctions
