# Integration tests: the module against the REAL ec2keys executable ($env:EC2KEYS_EXE, default
# bin/ec2keys.js of this checkout) with a temporary local registry (EC2KEYS_HOME), checked against
# real tools (ssh-keygen, openssl). Each test is tagged with the ec2keys command it needs
# (Cli.new, Cli.get, ...). ssh-keygen and openssl are installed by the project's setup
# (scripts/setup-test-deps.sh): a missing tool fails the test. Names with spaces and quotes on purpose.

BeforeAll {
    $repo = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', '..'))
    $script:SavedExe = $env:EC2KEYS_EXE
    $script:SavedHome = $env:EC2KEYS_HOME
    # $env:EC2KEYS_PS_MODULE: a packaged module (scripts/package-module.mjs) whose gateway must find
    # the standalone executable in its own folder, so EC2KEYS_EXE stays unset for it.
    if ($env:EC2KEYS_PS_MODULE) { $env:EC2KEYS_EXE = $null }
    elseif (-not $env:EC2KEYS_EXE) { $env:EC2KEYS_EXE = [System.IO.Path]::Combine($repo, 'bin', 'ec2keys.js') }
    Import-Module $(if ($env:EC2KEYS_PS_MODULE) { $env:EC2KEYS_PS_MODULE } else { [System.IO.Path]::Combine($PSScriptRoot, '..', 'EC2Keys.psd1') }) -Force -ErrorAction Stop

    function Secure([string] $s) {
        $ss = [securestring]::new()
        foreach ($c in $s.ToCharArray()) { $ss.AppendChar($c) }
        $ss
    }
}

AfterAll {
    $env:EC2KEYS_T_KEY = $null
    $env:EC2KEYS_T_IN = $null
    $env:EC2KEYS_EXE = $script:SavedExe
    $env:EC2KEYS_HOME = $script:SavedHome
    Remove-Module EC2Keys -Force -ErrorAction Ignore
}

Describe 'EC2Keys with the real ec2keys' -Tag 'Integration' {
    BeforeAll {
        $env:EC2KEYS_HOME = [System.IO.Path]::Combine($TestDrive, 'registry')
        $script:Dir = [System.IO.Path]::Combine($TestDrive, "keys o'brien")
        $null = [System.IO.Directory]::CreateDirectory($script:Dir)
        # A fresh RSA key in PKCS#1 PEM (what EC2 hands out), made by ssh-keygen.
        $script:Pem = [System.IO.Path]::Combine($script:Dir, 'admin key.pem')
        & ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -C 'it' -f $script:Pem
        $script:Pub = $script:Pem + '.pub'
    }

    It 'runs the executable it should: the one next to a packaged module, else EC2KEYS_EXE' {
        $exe = & (Get-Module EC2Keys) { Resolve-Ec2KeysExecutable }
        if ($env:EC2KEYS_PS_MODULE) {
            $exe.Source | Should -BeExactly 'module folder'
            $exe.Path | Should -BeExactly ([System.IO.Path]::Combine([System.IO.Path]::GetDirectoryName($env:EC2KEYS_PS_MODULE), 'ec2keys'))
            $exe.PrefixArguments.Count | Should -Be 0
            # The packaged module carries no tests and the executable it needs.
            [System.IO.Directory]::Exists([System.IO.Path]::Combine([System.IO.Path]::GetDirectoryName($env:EC2KEYS_PS_MODULE), 'Tests')) | Should -BeFalse
        } else {
            $exe.Source | Should -BeExactly 'EC2KEYS_EXE'
        }
        ((& $exe.Path @($exe.PrefixArguments) --version) -join '') | Should -Match '^ec2keys \d+\.\d+\.\d+'
    }

    It 'Get-EC2KeyFingerprint matches ssh-keygen -l and openssl' -Tag 'Cli.fingerprint' {
        $r = Get-EC2KeyFingerprint -LiteralPath $script:Pem
        $r.PSObject.TypeNames[0] | Should -BeExactly 'EC2Keys.KeyFingerprint'
        $r.Path | Should -BeExactly $script:Pem
        $sshLine = (& ssh-keygen -l -E sha256 -f $script:Pub) -join ''
        $sshLine | Should -Match ([regex]::Escape($r.Sha256))
        # EC2's fingerprint of an imported RSA key: MD5 of the DER public key, colon-separated.
        $env:EC2KEYS_T_KEY = $script:Pem   # paths go to sh through the environment: they hold quotes
        $md5 = ((& sh -c 'openssl pkey -in "$EC2KEYS_T_KEY" -pubout -outform DER | openssl md5 -c') -join '') -replace '^.*= ', ''
        $r.ImportedFingerprint | Should -BeExactly $md5.Trim()
        $r.KeyType | Should -BeExactly 'rsa'
    }

    It 'Get-EC2KeyFingerprint reports a file that is not a key as InvalidKey.Format' -Tag 'Cli.fingerprint' {
        $f = [System.IO.Path]::Combine($script:Dir, 'notes.txt')
        [System.IO.File]::WriteAllText($f, "just text`n")
        Get-EC2KeyFingerprint -LiteralPath $f -ErrorAction SilentlyContinue -ErrorVariable ev
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidKey.Format,Get-EC2KeyFingerprint'
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'Get-EC2PasswordData decrypts a blob made by openssl, also as a credential' -Tag 'Cli.password' {
        $pw = 'Xy7$kP2q!Lm9@Rt4#Vw8'
        $pwFile = [System.IO.Path]::Combine($TestDrive, 'pw.txt')
        [System.IO.File]::WriteAllText($pwFile, $pw)
        $env:EC2KEYS_T_KEY = $script:Pem; $env:EC2KEYS_T_IN = $pwFile
        $blob = ((& sh -c 'openssl pkey -in "$EC2KEYS_T_KEY" -pubout | openssl pkeyutl -encrypt -pubin -inkey /dev/stdin -pkeyopt rsa_padding_mode:pkcs1 -in "$EC2KEYS_T_IN" | base64 -w0') -join '').Trim()
        Get-EC2PasswordData -PasswordData $blob -PemFile $script:Pem | Should -BeExactly $pw
        $c = Get-EC2PasswordData -PasswordData $blob -KeyFile $script:Pem -AsCredential
        $c.UserName | Should -BeExactly 'Administrator'
        $c.GetNetworkCredential().Password | Should -BeExactly $pw
        # The same key as an encrypted OpenSSH file, with the passphrase as a SecureString.
        $enc = [System.IO.Path]::Combine($script:Dir, 'enc key')
        [System.IO.File]::Copy($script:Pem, $enc)
        & ssh-keygen -q -p -N 'pa ss"word' -f $enc
        Get-EC2PasswordData -PasswordData $blob -PemFile $enc -Passphrase (Secure 'pa ss"word') | Should -BeExactly $pw
        Get-EC2PasswordData -PasswordData $blob -PemFile $enc -ErrorAction SilentlyContinue -ErrorVariable ev1
        $ev1[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.PassphraseRequired,Get-EC2PasswordData'
        Get-EC2PasswordData -PasswordData $blob -PemFile $enc -Passphrase (Secure 'wrong') -ErrorAction SilentlyContinue -ErrorVariable ev2
        $ev2[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.BadPassphrase,Get-EC2PasswordData'
        $ev2[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $env:EC2KEYS_PASSPHRASE | Should -BeNullOrEmpty
    }

    It 'Get-EC2PasswordData tells a key that does not match (Ec2Keys.WrongKey)' -Tag 'Cli.password' {
        $other = [System.IO.Path]::Combine($TestDrive, 'other.pem')
        & ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -f $other
        $pwFile = [System.IO.Path]::Combine($TestDrive, 'pw2.txt')
        [System.IO.File]::WriteAllText($pwFile, 'secret')
        $env:EC2KEYS_T_KEY = $script:Pem; $env:EC2KEYS_T_IN = $pwFile
        $blob = ((& sh -c 'openssl pkey -in "$EC2KEYS_T_KEY" -pubout | openssl pkeyutl -encrypt -pubin -inkey /dev/stdin -pkeyopt rsa_padding_mode:pkcs1 -in "$EC2KEYS_T_IN" | base64 -w0') -join '').Trim()
        Get-EC2PasswordData -PasswordData $blob -PemFile $other -ErrorAction SilentlyContinue -ErrorVariable ev
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.WrongKey,Get-EC2PasswordData'
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'Protect-EC2KeyFile makes a key file owner-only' -Tag 'Cli.protect' -Skip:([System.IO.Path]::DirectorySeparatorChar -eq '\') {
        $f = [System.IO.Path]::Combine($script:Dir, 'loose key.pem')
        [System.IO.File]::Copy($script:Pem, $f)
        & chmod 644 $f
        $r = Protect-EC2KeyFile -LiteralPath $f
        $r.PSObject.TypeNames[0] | Should -BeExactly 'EC2Keys.KeyFileProtection'
        $r.Changed | Should -BeTrue
        ((& stat -c '%a' $f) -join '').Trim() | Should -BeExactly '600'
        Protect-EC2KeyFile -LiteralPath $f -WhatIf
        ((& stat -c '%a' $f) -join '').Trim() | Should -BeExactly '600'
        # A file that is not there: an error naming it, from the executable's Results document.
        $nope = [System.IO.Path]::Combine($script:Dir, 'no such key.pem')
        $r2 = Protect-EC2KeyFile -LiteralPath $nope -ErrorAction SilentlyContinue -ErrorVariable ev
        $r2 | Should -BeNullOrEmpty
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.FileError,Protect-EC2KeyFile'
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $ev[0].TargetObject | Should -BeExactly $nope
    }

    It 'the whole workflow: New, Get, Test, Convert, Import, Remove' -Tag 'Cli.new', 'Cli.get', 'Cli.remove' {
        Push-Location -LiteralPath $script:Dir
        try {
            $name = "web ""admin"" o'key"
            $kp = New-EC2KeyPair -KeyName $name -Path 'web.pem' -Tag @{ team = 'ops' }
            $kp.PSObject.TypeNames[0] | Should -BeExactly 'EC2Keys.KeyPair'
            $kp.KeyName | Should -BeExactly $name
            $kp.KeyPairId | Should -Match '^key-'
            $kp.KeyFile | Should -BeExactly ([System.IO.Path]::Combine($script:Dir, 'web.pem'))
            [System.IO.File]::ReadAllText($kp.KeyFile) | Should -Match 'BEGIN RSA PRIVATE KEY'

            New-EC2KeyPair -KeyName $name -Path 'again.pem' -ErrorAction SilentlyContinue -ErrorVariable dup
            $dup[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidKeyPair.Duplicate,New-EC2KeyPair'
            $dup[0].CategoryInfo.Category | Should -Be 'ResourceExists'
            New-EC2KeyPair -KeyName 'other' -Path 'web.pem' -ErrorAction SilentlyContinue -ErrorVariable exists
            $exists[0].FullyQualifiedErrorId | Should -BeExactly 'Ec2Keys.FileExists,New-EC2KeyPair'

            $got = @(Get-EC2KeyPair -KeyName $name)
            $got.Count | Should -Be 1
            $got[0].PSObject.TypeNames[0] | Should -BeExactly 'EC2Keys.KeyPairInfo'
            $got[0].KeyPairId | Should -BeExactly $kp.KeyPairId
            $got[0].KeyFingerprint | Should -BeExactly $kp.KeyFingerprint
            $got[0].CreateTime | Should -BeOfType [datetime]

            Test-EC2KeyPair -KeyName $name -Path 'web.pem' | Should -BeTrue
            Test-EC2KeyPair -KeyName $name -LiteralPath $script:Pem | Should -BeFalse
            $ppk = ConvertTo-EC2PuttyKey -Path 'web.pem'
            $ppk.KeyFile | Should -BeExactly ([System.IO.Path]::Combine($script:Dir, 'web.ppk'))
            [System.IO.File]::ReadAllText($ppk.KeyFile) | Should -Match '^PuTTY-User-Key-File-3: ssh-rsa'
            Test-EC2KeyPair -KeyName $name -Path 'web.ppk' | Should -BeTrue
            $imp = Import-EC2KeyPair -KeyName 'imported key' -PublicKeyMaterial ([Convert]::ToBase64String([System.IO.File]::ReadAllBytes($script:Pub)))
            $imp.KeyFingerprint | Should -BeExactly (Get-EC2KeyFingerprint -LiteralPath $script:Pub).ImportedFingerprint

            Get-EC2KeyPair -KeyName 'no such key' -ErrorAction SilentlyContinue -ErrorVariable nf
            $nf[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidKeyPair.NotFound,Get-EC2KeyPair'
            $nf[0].TargetObject | Should -Not -BeNullOrEmpty

            Remove-EC2KeyPair -KeyName $name -WhatIf
            @(Get-EC2KeyPair -KeyName $name).Count | Should -Be 1
            Get-EC2KeyPair | Remove-EC2KeyPair -Force
            @(Get-EC2KeyPair).Count | Should -Be 0
        } finally {
            Pop-Location
        }
    }
}
