# The module against EC2 itself: the real ec2keys executable ($env:EC2KEYS_EXE) with -Store ec2
# -EndpointUrl pointing at a moto_server (moto 5.2.1, preinstalled) started here on a free
# 127.0.0.1 port and stopped afterwards, also when a test fails. The AWS CLI against the same
# endpoint is the second oracle; openssl, ssh-keygen and puttygen check the key files. Fake
# credentials only, no config files of the machine: nothing can reach AWS.
# moto differs from real EC2 in places (shared/reference/ec2-semantics.md §0); where a result
# depends on that, the test names the deviation instead of treating moto's answer as EC2's.

BeforeAll {
    $script:SavedEnv = @{}
    $fake = @{
        AWS_ACCESS_KEY_ID           = 'testing'
        AWS_SECRET_ACCESS_KEY       = 'testing'
        AWS_SESSION_TOKEN           = $null
        AWS_PROFILE                 = $null
        AWS_DEFAULT_PROFILE         = $null
        AWS_REGION                  = $null
        AWS_DEFAULT_REGION          = $null
        AWS_ENDPOINT_URL            = $null
        AWS_CONFIG_FILE             = '/nonexistent/aws-config'
        AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials'
        AWS_EC2_METADATA_DISABLED   = 'true'
        EC2KEYS_STORE               = $null
        EC2KEYS_ENDPOINT_URL        = $null
        EC2KEYS_HOME                = [System.IO.Path]::Combine($TestDrive, 'registry')
    }
    foreach ($k in $fake.Keys) {
        $script:SavedEnv[$k] = [Environment]::GetEnvironmentVariable($k)
        if ($null -eq $fake[$k]) { [Environment]::SetEnvironmentVariable($k, [NullString]::Value) } else { [Environment]::SetEnvironmentVariable($k, $fake[$k]) }
    }
    $repo = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', '..'))
    $script:SavedExe = $env:EC2KEYS_EXE
    # $env:EC2KEYS_PS_MODULE: a packaged module (scripts/package-module.mjs) whose gateway must find
    # the standalone executable in its own folder, so EC2KEYS_EXE stays unset for it.
    if ($env:EC2KEYS_PS_MODULE) { $env:EC2KEYS_EXE = $null }
    elseif (-not $env:EC2KEYS_EXE) { $env:EC2KEYS_EXE = [System.IO.Path]::Combine($repo, 'bin', 'ec2keys.js') }
    Import-Module $(if ($env:EC2KEYS_PS_MODULE) { $env:EC2KEYS_PS_MODULE } else { [System.IO.Path]::Combine($PSScriptRoot, '..', 'EC2Keys.psd1') }) -Force -ErrorAction Stop

    # moto_server on a free loopback port, awaited until it answers.
    $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $l.Start(); $port = ([System.Net.IPEndPoint]$l.LocalEndpoint).Port; $l.Stop()
    $script:Ep = "http://127.0.0.1:$port"
    $script:MotoLog = [System.IO.Path]::Combine($TestDrive, 'moto.log')
    $psi = [System.Diagnostics.ProcessStartInfo]::new('moto_server')
    foreach ($a in '-H', '127.0.0.1', '-p', [string]$port) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
    $script:Moto = [System.Diagnostics.Process]::Start($psi)
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    $up = $false
    while (-not $up -and [DateTime]::UtcNow -lt $deadline -and -not $script:Moto.HasExited) {
        try { $null = Invoke-WebRequest -Uri "$script:Ep/moto-api/data.json" -TimeoutSec 2 -UseBasicParsing; $up = $true } catch { Start-Sleep -Milliseconds 200 }
    }
    if (-not $up) { throw "moto_server did not answer on $script:Ep within 60 s" }

    $script:Dir = [System.IO.Path]::Combine($TestDrive, "keys o'brien")
    $null = [System.IO.Directory]::CreateDirectory($script:Dir)
    $script:E = @{ Store = 'ec2'; EndpointUrl = $script:Ep; Region = 'us-east-1' }

    # (Not named Aws/Sh: PowerShell names are case-insensitive, so `aws` inside would call itself.)
    function Invoke-Aws([string] $Region, [string[]] $Arguments) {
        $out = & aws --endpoint-url $script:Ep --region $Region --output json @Arguments 2>&1
        if ($LASTEXITCODE -ne 0) { throw "aws $($Arguments -join ' ') failed: $out" }
        $text = ($out | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] }) -join "`n"
        if ($text.Trim()) { $text | ConvertFrom-Json } else { $null }
    }
    function Invoke-Sh([string] $Script, [hashtable] $Env = @{}) {
        # Paths go to sh through the environment: they hold spaces and quotes.
        foreach ($k in $Env.Keys) { [Environment]::SetEnvironmentVariable($k, $Env[$k]) }
        try { ((& sh -c $Script) -join "`n").Trim() } finally { foreach ($k in $Env.Keys) { [Environment]::SetEnvironmentVariable($k, [NullString]::Value) } }
    }
    function Secure([string] $s) {
        $ss = [securestring]::new()
        foreach ($c in $s.ToCharArray()) { $ss.AppendChar($c) }
        $ss
    }
    # A fresh RSA key made by ssh-keygen, with its public line.
    $script:Pem = [System.IO.Path]::Combine($script:Dir, 'mine.pem')
    & ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -C 'mine' -f $script:Pem
    $script:Pub = $script:Pem + '.pub'
    $script:PubMd5 = (Invoke-Sh 'openssl pkey -in "$K" -pubout -outform DER | openssl md5 -c' @{ K = $script:Pem }) -replace '^.*= ', ''
}

AfterAll {
    if ($script:Moto -and -not $script:Moto.HasExited) { $script:Moto.Kill($true); $null = $script:Moto.WaitForExit(10000) }
    $env:EC2KEYS_EXE = $script:SavedExe
    foreach ($k in $script:SavedEnv.Keys) {
        if ($null -eq $script:SavedEnv[$k]) { [Environment]::SetEnvironmentVariable($k, [NullString]::Value) } else { [Environment]::SetEnvironmentVariable($k, $script:SavedEnv[$k]) }
    }
    Remove-Module EC2Keys -Force -ErrorAction Ignore
}

Describe 'EC2Keys with -Store ec2 against moto_server' -Tag 'Integration', 'Ec2' {
    BeforeEach {
        $null = Invoke-WebRequest -Uri "$script:Ep/moto-api/reset" -Method Post -UseBasicParsing
        Push-Location -LiteralPath $script:Dir
    }
    AfterEach { Pop-Location }

    It 'New-EC2KeyPair creates the pair in EC2 (the AWS CLI sees it) and saves its key owner-only' {
        $name = "ps web ""x"" o'k"
        $kp = New-EC2KeyPair @script:E -KeyName $name -Path 'ec2 web.pem' -Tag @{ team = 'ops' }
        $kp.KeyPairId | Should -Match '^key-[0-9a-f]{17}$'
        $kp.KeyFile | Should -BeExactly ([System.IO.Path]::Combine($script:Dir, 'ec2 web.pem'))
        $pem = [System.IO.File]::ReadAllText($kp.KeyFile)
        $pem | Should -Match '^-----BEGIN RSA PRIVATE KEY-----\n'
        ((& stat -c '%a' $kp.KeyFile) -join '').Trim() | Should -BeExactly '600'
        (Invoke-Sh 'openssl rsa -in "$K" -check -noout' @{ K = $kp.KeyFile }) | Should -Match 'RSA key ok'

        $seen = (Invoke-Aws 'us-east-1' @('ec2', 'describe-key-pairs', '--key-names', $name)).KeyPairs
        @($seen).Count | Should -Be 1
        $seen[0].KeyPairId | Should -BeExactly $kp.KeyPairId
        $seen[0].KeyFingerprint | Should -BeExactly $kp.KeyFingerprint
        ($seen[0].Tags | Where-Object Key -EQ 'team').Value | Should -BeExactly 'ops'
        # [moto: createdRsaFingerprint] moto reports SHA-1 of the DER public key for a created pair;
        # real EC2 reports SHA-1 of the DER PKCS#8 private key (what Get-EC2KeyFingerprint calls
        # CreatedFingerprint). The key file is the one moto made: its public half matches moto's.
        $motoFp = (Invoke-Sh 'openssl pkey -in "$K" -pubout -outform DER | openssl sha1 -c' @{ K = $kp.KeyFile }) -replace '^.*= ', ''
        $kp.KeyFingerprint | Should -BeExactly $motoFp
        (Get-EC2KeyFingerprint -LiteralPath $kp.KeyFile).CreatedFingerprint |
            Should -BeExactly ((Invoke-Sh 'openssl pkcs8 -topk8 -nocrypt -in "$K" -outform DER | openssl sha1 -c' @{ K = $kp.KeyFile }) -replace '^.*= ', '')

        New-EC2KeyPair @script:E -KeyName $name -Path 'again.pem' -ErrorAction SilentlyContinue -ErrorVariable dup
        $dup[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidKeyPair.Duplicate,New-EC2KeyPair'
        $dup[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        [System.IO.File]::Exists([System.IO.Path]::Combine($script:Dir, 'again.pem')) | Should -BeFalse
    }

    It 'New-EC2KeyPair -KeyFormat ppk saves a PuTTY key of the pair EC2 made' {
        $kp = New-EC2KeyPair @script:E -KeyName 'ppk pair' -KeyFormat ppk -Path 'pair.ppk'
        [System.IO.File]::ReadAllText($kp.KeyFile) | Should -Match '^PuTTY-User-Key-File-3: ssh-rsa\r?\n'
        # puttygen reads it; its public half is the pair's in EC2 (moto: SHA-1 of the DER SPKI).
        $spki = [System.IO.Path]::Combine($TestDrive, 'pair.spki.pem')
        Invoke-Sh 'puttygen "$K" -O public-openssh -o "$O.pub" && ssh-keygen -e -m PKCS8 -f "$O.pub" > "$O"' @{ K = $kp.KeyFile; O = $spki }
        $fp = (Invoke-Sh 'openssl pkey -pubin -in "$O" -outform DER | openssl sha1 -c' @{ O = $spki }) -replace '^.*= ', ''
        $fp | Should -BeExactly ((Invoke-Aws 'us-east-1' @('ec2', 'describe-key-pairs', '--key-names', 'ppk pair')).KeyPairs[0].KeyFingerprint)
    }

    It 'Import-EC2KeyPair imports the public half of a key file with the fingerprint EC2 shows' {
        $imp = Import-EC2KeyPair @script:E -KeyName 'laptop' -PublicKeyFile $script:Pub -Tag @{ owner = 'me' }
        $imp.KeyFingerprint | Should -BeExactly $script:PubMd5
        $fromPrivate = Import-EC2KeyPair @script:E -KeyName 'from private' -PublicKeyFile $script:Pem
        $fromPrivate.KeyFingerprint | Should -BeExactly $script:PubMd5
        $seen = (Invoke-Aws 'us-east-1' @('ec2', 'describe-key-pairs', '--key-names', 'laptop', 'from private')).KeyPairs
        @($seen | ForEach-Object KeyFingerprint | Sort-Object -Unique) | Should -Be @($script:PubMd5)
        Import-EC2KeyPair @script:E -KeyName 'laptop' -PublicKeyFile $script:Pub -ErrorAction SilentlyContinue -ErrorVariable dup
        $dup[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidKeyPair.Duplicate,Import-EC2KeyPair'
    }

    It 'Get-EC2KeyPair returns what the AWS CLI describes, with filters and public keys' {
        $null = Import-EC2KeyPair @script:E -KeyName 'web-1' -PublicKeyFile $script:Pub -Tag @{ team = 'web' }
        $null = New-EC2KeyPair @script:E -KeyName 'db-1' -Path 'db.pem' -Tag @{ team = 'db' }
        $ours = @(Get-EC2KeyPair @script:E | Sort-Object KeyName)
        $theirs = @((Invoke-Aws 'us-east-1' @('ec2', 'describe-key-pairs')).KeyPairs | Sort-Object KeyName)
        $ours.Count | Should -Be 2
        $ours[0].PSObject.TypeNames[0] | Should -BeExactly 'EC2Keys.KeyPairInfo'
        for ($i = 0; $i -lt 2; $i++) {
            $ours[$i].KeyName | Should -BeExactly $theirs[$i].KeyName
            $ours[$i].KeyPairId | Should -BeExactly $theirs[$i].KeyPairId
            $ours[$i].KeyFingerprint | Should -BeExactly $theirs[$i].KeyFingerprint
            $ours[$i].CreateTime | Should -BeOfType [datetime]
            $ours[$i].CreateTime.ToUniversalTime() | Should -Be ([datetime]::Parse($theirs[$i].CreateTime, [cultureinfo]::InvariantCulture, 'AdjustToUniversal'))
        }
        $web = @(Get-EC2KeyPair @script:E -Filter @{ 'tag:team' = 'web' } -IncludePublicKey)
        $web.Count | Should -Be 1
        $web[0].KeyName | Should -BeExactly 'web-1'
        # The public key EC2 hands back is the key that was imported (ssh-keygen's base64 body).
        ($web[0].PublicKey -split ' ')[1] | Should -BeExactly (([System.IO.File]::ReadAllText($script:Pub).Trim()) -split ' ')[1]
        @(Get-EC2KeyPair @script:E -Filter @{ 'key-name' = 'db-*' }).KeyName | Should -Be @('db-1')

        Get-EC2KeyPair @script:E -KeyName 'nope' -ErrorAction SilentlyContinue -ErrorVariable nf
        $nf[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidKeyPair.NotFound,Get-EC2KeyPair'
        $nf[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'Test-EC2KeyPair checks a key file against the pair in EC2' {
        $null = Import-EC2KeyPair @script:E -KeyName 'checked' -PublicKeyFile $script:Pub
        Test-EC2KeyPair @script:E -KeyName 'checked' -LiteralPath $script:Pem | Should -BeTrue
        $other = [System.IO.Path]::Combine($TestDrive, 'other.pem')
        & ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -f $other
        Test-EC2KeyPair @script:E -KeyName 'checked' -LiteralPath $other | Should -BeFalse
    }

    It 'Publish-EC2KeyPair copies a local pair to EC2 regions, is idempotent, and fails only the region with a different key' {
        $local = New-EC2KeyPair -KeyName 'everywhere' -Path 'everywhere.pem' -Region 'us-east-1'
        # A different key under the same name already in ap-southeast-2.
        $null = Invoke-Aws 'ap-southeast-2' @('ec2', 'import-key-pair', '--key-name', 'everywhere', '--public-key-material', "fileb://$script:Pub")
        $expected = (Get-EC2KeyFingerprint -LiteralPath $local.KeyFile).ImportedFingerprint

        $r = @(Publish-EC2KeyPair -KeyName 'everywhere' -Region 'us-east-1' -EndpointUrl $script:Ep -DestinationRegion 'us-east-1', 'eu-west-1', 'ap-southeast-2' -Force -ErrorAction SilentlyContinue -ErrorVariable ev)
        @($r | ForEach-Object Region | Sort-Object) | Should -Be @('eu-west-1', 'us-east-1')
        $r[0].PSObject.TypeNames[0] | Should -BeExactly 'EC2Keys.PublishResult'
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.KeyMismatch,Publish-EC2KeyPair'
        $ev[0].ErrorDetails.Message | Should -Match 'a different key is registered as everywhere in ap-southeast-2'
        $ev[0].TargetObject | Should -BeExactly 'everywhere (ap-southeast-2)'
        foreach ($region in 'us-east-1', 'eu-west-1') {
            (Invoke-Aws $region @('ec2', 'describe-key-pairs', '--key-names', 'everywhere')).KeyPairs[0].KeyFingerprint | Should -BeExactly $expected
        }
        (Invoke-Aws 'ap-southeast-2' @('ec2', 'describe-key-pairs', '--key-names', 'everywhere')).KeyPairs[0].KeyFingerprint | Should -BeExactly $script:PubMd5

        # Again: the same key is already there, so both regions are fine.
        $again = @(Publish-EC2KeyPair -KeyName 'everywhere' -Region 'us-east-1' -EndpointUrl $script:Ep -DestinationRegion 'us-east-1', 'eu-west-1' -Force -ErrorVariable ev2)
        $again.Count | Should -Be 2
        $ev2.Count | Should -Be 0
    }

    It 'Remove-EC2KeyPair deletes in EC2, from the pipeline too' {
        $null = Import-EC2KeyPair @script:E -KeyName 'gone 1' -PublicKeyFile $script:Pub
        $null = Import-EC2KeyPair @script:E -KeyName 'gone 2' -PublicKeyFile $script:Pub
        $null = Import-EC2KeyPair @script:E -KeyName 'kept' -PublicKeyFile $script:Pub
        Remove-EC2KeyPair @script:E -KeyName 'gone 1' -WhatIf
        @((Invoke-Aws 'us-east-1' @('ec2', 'describe-key-pairs')).KeyPairs).Count | Should -Be 3
        Remove-EC2KeyPair @script:E -KeyName 'gone 1' -Force
        Get-EC2KeyPair @script:E -Filter @{ 'key-name' = 'gone*' } | Remove-EC2KeyPair @script:E -Force
        @((Invoke-Aws 'us-east-1' @('ec2', 'describe-key-pairs')).KeyPairs | ForEach-Object KeyName) | Should -Be @('kept')
    }

    It 'Get-EC2PasswordData -InstanceId fetches the password data from EC2 and tells its errors apart' {
        $images = (Invoke-Aws 'us-east-1' @('ec2', 'describe-images', '--filters', 'Name=platform,Values=windows')).Images
        $win = ($images | Where-Object { "$($_.Platform)" -eq 'windows' } | Select-Object -First 1).ImageId
        $linux = ((Invoke-Aws 'us-east-1' @('ec2', 'describe-images', '--filters', 'Name=name,Values=amzn2-ami-hvm*')).Images | Where-Object { -not $_.Platform } | Select-Object -First 1).ImageId
        $winId = (Invoke-Aws 'us-east-1' @('ec2', 'run-instances', '--image-id', $win, '--instance-type', 't3.micro', '--count', '1')).Instances[0].InstanceId
        $linId = (Invoke-Aws 'us-east-1' @('ec2', 'run-instances', '--image-id', $linux, '--instance-type', 't3.micro', '--count', '1')).Instances[0].InstanceId

        # [moto: passwordDataRandom] moto answers GetPasswordData with a fresh random string, not an
        # RSA ciphertext, so no key decrypts it: the cmdlet must say WrongKey, never print garbage.
        # (Decryption itself is proven on openssl-made blobs in EC2Keys.Integration.Tests.ps1.)
        $out = Get-EC2PasswordData @script:E -InstanceId $winId -PemFile $script:Pem -ErrorAction SilentlyContinue -ErrorVariable wk
        $out | Should -BeNullOrEmpty
        $wk[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.WrongKey,Get-EC2PasswordData'
        $wk[0].CategoryInfo.Category | Should -Be 'InvalidData'

        [pscustomobject]@{ InstanceId = 'i-0123456789abcdef0' } | Get-EC2PasswordData @script:E -PemFile $script:Pem -ErrorAction SilentlyContinue -ErrorVariable nf
        $nf[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidInstanceID.NotFound,Get-EC2PasswordData'
        $nf[0].ErrorDetails.Message | Should -Match "The instance ID 'i-0123456789abcdef0' does not exist"

        # A Linux instance has no password data: empty, as for a Windows instance still booting.
        Get-EC2PasswordData @script:E -InstanceId $linId -PemFile $script:Pem -ErrorAction SilentlyContinue -ErrorVariable nr
        $nr[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.PasswordNotReady,Get-EC2PasswordData'
        $nr[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $env:EC2KEYS_POLL_INTERVAL_MS = '200'
        try {
            $started = [DateTime]::UtcNow
            Get-EC2PasswordData @script:E -InstanceId $linId -PemFile $script:Pem -Wait -TimeoutSec 1 -ErrorAction SilentlyContinue -ErrorVariable waited
            $waited[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.PasswordNotReady,Get-EC2PasswordData'
            $waited[0].ErrorDetails.Message | Should -Match 'gave up after 1 s'
        } finally { $env:EC2KEYS_POLL_INTERVAL_MS = $null }
    }

    It 'Export-EC2PrivateKey saves the key CloudFormation left in SSM, byte for byte or as PPK' {
        # What CloudFormation does for AWS::EC2::KeyPair: CreateKeyPair, then the key into SSM.
        $made = Invoke-Aws 'us-east-1' @('ec2', 'create-key-pair', '--key-name', 'stack key')
        $material = if ($made.KeyMaterial.EndsWith("`n")) { $made.KeyMaterial } else { $made.KeyMaterial + "`n" }
        $matFile = [System.IO.Path]::Combine($TestDrive, 'cfn.pem')
        [System.IO.File]::WriteAllText($matFile, $material)
        $null = Invoke-Aws 'us-east-1' @('ssm', 'put-parameter', '--name', "/ec2/keypair/$($made.KeyPairId)", '--type', 'SecureString', '--value', "file://$matFile")

        $r = Export-EC2PrivateKey -KeyName 'stack key' -EndpointUrl $script:Ep -Region 'us-east-1'
        $r.KeyPairId | Should -BeExactly $made.KeyPairId
        $r.KeyFile | Should -BeExactly ([System.IO.Path]::Combine($script:Dir, 'stack key.pem'))
        [System.IO.File]::ReadAllText($r.KeyFile) | Should -BeExactly $material
        ((& stat -c '%a' $r.KeyFile) -join '').Trim() | Should -BeExactly '600'

        $p = Export-EC2PrivateKey -KeyPairId $made.KeyPairId -KeyFormat ppk -Path 'stack.ppk' -Passphrase (Secure 'cfn pass') -EndpointUrl $script:Ep -Region 'us-east-1'
        $pwFile = [System.IO.Path]::Combine($TestDrive, 'pw.txt')
        [System.IO.File]::WriteAllText($pwFile, 'cfn pass')
        $fromPpk = Invoke-Sh 'puttygen "$K" --old-passphrase "$P" -O public-openssh' @{ K = $p.KeyFile; P = $pwFile }
        $fromPem = Invoke-Sh 'ssh-keygen -y -f "$K"' @{ K = $r.KeyFile }
        ($fromPpk -split ' ')[1] | Should -BeExactly (($fromPem -split ' ')[1])

        Export-EC2PrivateKey -KeyName 'stack key' -EndpointUrl $script:Ep -Region 'us-east-1' -ErrorAction SilentlyContinue -ErrorVariable fe
        $fe[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.FileExists,Export-EC2PrivateKey'
        $null = Import-EC2KeyPair @script:E -KeyName 'no parameter' -PublicKeyFile $script:Pub
        Export-EC2PrivateKey -KeyName 'no parameter' -EndpointUrl $script:Ep -Region 'us-east-1' -ErrorAction SilentlyContinue -ErrorVariable np
        $np[0].FullyQualifiedErrorId | Should -BeExactly 'ParameterNotFound,Export-EC2PrivateKey'
        [System.IO.File]::Exists([System.IO.Path]::Combine($script:Dir, 'no parameter.pem')) | Should -BeFalse
    }

    It 'names the endpoint when EC2 cannot be reached' {
        $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $l.Start(); $dead = "http://127.0.0.1:$(([System.Net.IPEndPoint]$l.LocalEndpoint).Port)"; $l.Stop()
        Get-EC2KeyPair -Store ec2 -EndpointUrl $dead -Region 'us-east-1' -ErrorAction SilentlyContinue -ErrorVariable ee
        $ee[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.EndpointError,Get-EC2KeyPair'
        $ee[0].ErrorDetails.Message | Should -Match ([regex]::Escape($dead))
    }
}
