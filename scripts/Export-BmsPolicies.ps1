<#
.SYNOPSIS
    Exports Basic Mobility and Security (BMS) device policies and rules to a bms2intune snapshot.

.DESCRIPTION
    Connects to Security & Compliance PowerShell (Connect-IPPSSession, from the
    ExchangeOnlineManagement module) and runs, for each of the six BMS nouns

        DeviceConditionalAccessPolicy   DeviceConditionalAccessRule
        DeviceConfigurationPolicy       DeviceConfigurationRule
        DeviceTenantPolicy              DeviceTenantRule

    Get-<Noun> | ConvertTo-Json -Depth 10 (with -EnumsAsStrings on PowerShell 7), and writes the
    result to <OutputPath>/bms/<Noun>.json as UTF-8 without a byte order mark. Every file holds a
    JSON array, also when the cmdlet returned one object or none. Everything is exported,
    including policies and rules in PendingDeletion mode; bms2intune decides what to use.

    One more file, bms/export-info.json, records when and with which versions the export was
    made, and how many objects each cmdlet returned. bms2intune does not read it.

    The files are first written to a temporary folder inside OutputPath and moved to
    <OutputPath>/bms only when all six exports succeeded, so a failed run leaves no partial
    bms folder behind. An existing bms folder is replaced only with -Force.

    The account needs a Security & Compliance role that can run the Get-Device* cmdlets, for
    example Compliance Administrator, or membership of the Organization Management role group.

    Works on Windows PowerShell 5.1 and PowerShell 7.

.PARAMETER OutputPath
    The snapshot folder. It is created if it does not exist. The export goes to its bms subfolder;
    a graph subfolder, if present, is left alone.

.PARAMETER UserPrincipalName
    The account to sign in with (passed to Connect-IPPSSession). Without it the sign-in dialog asks.

.PARAMETER SkipConnect
    Use the Security & Compliance session that is already open in this PowerShell session
    instead of calling Connect-IPPSSession. The session is then also left open at the end.

.PARAMETER Force
    Replace <OutputPath>/bms if it already exists.

.EXAMPLE
    .\Export-BmsPolicies.ps1 -OutputPath .\contoso-snapshot -UserPrincipalName admin@contoso.com

    Signs in as admin@contoso.com, writes .\contoso-snapshot\bms\*.json and disconnects.

.EXAMPLE
    Connect-IPPSSession -UserPrincipalName admin@contoso.com
    .\Export-BmsPolicies.ps1 -OutputPath C:\snapshots\contoso -SkipConnect -Force

    Reuses the open session and replaces an earlier export in C:\snapshots\contoso\bms.

.EXAMPLE
    .\Export-BmsPolicies.ps1 -OutputPath .\snap ; bms2intune snapshot check .\snap

    Exports, then lets bms2intune check what it will read.

.NOTES
    Install the module once with:
        Install-Module ExchangeOnlineManagement -Scope CurrentUser
    See scripts/README.md for exporting the optional graph/ part.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true, Position = 0)]
    [ValidateNotNullOrEmpty()]
    [string] $OutputPath,

    [string] $UserPrincipalName,

    [switch] $SkipConnect,

    [switch] $Force
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$ScriptVersion = '1.0.0'
$Nouns = @(
    'DeviceConditionalAccessPolicy',
    'DeviceConditionalAccessRule',
    'DeviceConfigurationPolicy',
    'DeviceConfigurationRule',
    'DeviceTenantPolicy',
    'DeviceTenantRule'
)
$Utf8NoBom = New-Object System.Text.UTF8Encoding($false)

function Write-Utf8File {
    param([string] $Path, [string] $Text)
    # Set-Content/Out-File differ between 5.1 and 7 (ANSI, BOM); this writes the same bytes on both.
    [System.IO.File]::WriteAllText($Path, $Text + [Environment]::NewLine, $Utf8NoBom)
}

function ConvertTo-JsonArray {
    param([object[]] $Items, [bool] $EnumsAsStrings)
    # -InputObject keeps the array even for zero or one element (piping would unwrap it).
    $arguments = @{ InputObject = $Items; Depth = 10 }
    if ($EnumsAsStrings) { $arguments['EnumsAsStrings'] = $true }
    ConvertTo-Json @arguments
}

# ---------------------------------------------------------------- module and session
$module = Get-Module -Name ExchangeOnlineManagement
if (-not $module) {
    $module = Get-Module -ListAvailable -Name ExchangeOnlineManagement |
        Sort-Object -Property Version -Descending | Select-Object -First 1
}
if (-not $module -and -not $SkipConnect) {
    throw ("The ExchangeOnlineManagement module is not installed. Install it with:`n" +
        "    Install-Module ExchangeOnlineManagement -Scope CurrentUser`n" +
        "then run this script again.")
}

$connectedHere = $false
if (-not $SkipConnect) {
    Import-Module -Name ExchangeOnlineManagement -ErrorAction Stop
    $module = Get-Module -Name ExchangeOnlineManagement
    $connectArgs = @{}
    if ($UserPrincipalName) { $connectArgs['UserPrincipalName'] = $UserPrincipalName }
    Write-Verbose 'Connecting to Security & Compliance PowerShell (Connect-IPPSSession)...'
    Connect-IPPSSession @connectArgs -ErrorAction Stop
    $connectedHere = $true
}

$missing = @($Nouns | Where-Object { -not (Get-Command -Name "Get-$_" -ErrorAction SilentlyContinue) })
if ($missing.Count -gt 0) {
    throw ("These cmdlets are not available in this session: " + (($missing | ForEach-Object { "Get-$_" }) -join ', ') +
        ". Connect with Connect-IPPSSession (or drop -SkipConnect) using an account with a Security & Compliance " +
        "role that can read device policies, such as Compliance Administrator or Organization Management.")
}

$enumsAsStrings = (Get-Command -Name ConvertTo-Json).Parameters.ContainsKey('EnumsAsStrings')

# ---------------------------------------------------------------- export into a temporary folder
$root = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)
$target = Join-Path -Path $root -ChildPath 'bms'
if ((Test-Path -LiteralPath $target) -and -not $Force) {
    throw "'$target' already exists. Use -Force to replace it, or choose another -OutputPath."
}
$createdRoot = $false
if (-not (Test-Path -LiteralPath $root)) {
    New-Item -ItemType Directory -Path $root | Out-Null
    $createdRoot = $true
}
$staging = Join-Path -Path $root -ChildPath ('.bms-export-' + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $staging | Out-Null

$counts = [ordered]@{}
try {
    foreach ($noun in $Nouns) {
        Write-Verbose "Get-$noun"
        $items = @(& "Get-$noun" -ErrorAction Stop)
        $counts[$noun] = $items.Count
        $json = ConvertTo-JsonArray -Items $items -EnumsAsStrings $enumsAsStrings
        Write-Utf8File -Path (Join-Path -Path $staging -ChildPath "$noun.json") -Text $json
        Write-Host ("{0,-32} {1,3} object(s)" -f $noun, $items.Count)
    }

    $connection = $null
    if (Get-Command -Name Get-ConnectionInformation -ErrorAction SilentlyContinue) {
        $connection = @(Get-ConnectionInformation -ErrorAction SilentlyContinue) | Select-Object -Last 1
    }
    $info = [ordered]@{
        exportedAtUtc                   = (Get-Date).ToUniversalTime().ToString('o')
        script                          = 'Export-BmsPolicies.ps1'
        scriptVersion                   = $ScriptVersion
        powerShellVersion               = $PSVersionTable.PSVersion.ToString()
        powerShellEdition               = $(if ($PSVersionTable.ContainsKey('PSEdition')) { [string]$PSVersionTable.PSEdition } else { 'Desktop' })
        exchangeOnlineManagementVersion = $(if ($module) { $module.Version.ToString() } else { $null })
        enumsAsStrings                  = $enumsAsStrings
        encoding                        = 'utf-8 (no BOM)'
        organization                    = $(if ($connection -and ($connection.PSObject.Properties.Name -contains 'Organization')) { [string]$connection.Organization } else { $null })
        userPrincipalName               = $(if ($connection -and ($connection.PSObject.Properties.Name -contains 'UserPrincipalName')) { [string]$connection.UserPrincipalName } else { $UserPrincipalName })
        counts                          = $counts
    }
    Write-Utf8File -Path (Join-Path -Path $staging -ChildPath 'export-info.json') -Text (ConvertTo-Json -InputObject $info -Depth 3)

    # ------------------------------------------------------------ move into place
    $backup = $null
    if (Test-Path -LiteralPath $target) {
        $backup = Join-Path -Path $root -ChildPath ('.bms-previous-' + [guid]::NewGuid().ToString('N'))
        Move-Item -LiteralPath $target -Destination $backup
    }
    try {
        Move-Item -LiteralPath $staging -Destination $target
    }
    catch {
        if ($backup) { Move-Item -LiteralPath $backup -Destination $target }
        throw
    }
    if ($backup) { Remove-Item -LiteralPath $backup -Recurse -Force }
}
catch {
    if (Test-Path -LiteralPath $staging) { Remove-Item -LiteralPath $staging -Recurse -Force }
    if ($createdRoot -and (Test-Path -LiteralPath $root) -and -not (Get-ChildItem -LiteralPath $root -Force)) {
        Remove-Item -LiteralPath $root -Force
    }
    throw
}
finally {
    if ($connectedHere) {
        Disconnect-ExchangeOnline -Confirm:$false -ErrorAction SilentlyContinue
    }
}

Write-Host "Exported BMS policies to $target"
Write-Host "Next: bms2intune snapshot check `"$root`""
