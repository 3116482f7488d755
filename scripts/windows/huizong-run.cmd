@echo off
rem huizong on Windows: double-click to consolidate the returns in the folder "returns" beside
rem this file, or drag a folder of returns onto it. Results go to "output" beside this file:
rem the county workbook, the run report and a feedback workbook for each township with findings.
rem huizong.exe writes Chinese to the console itself (Unicode), whatever the code page; the
rem code page is set to UTF-8 only so that output redirected to a file reads back with "type".
chcp 65001 >nul
cd /d "%~dp0"
set "RETURNS=%~1"
if "%RETURNS%"=="" set "RETURNS=%~dp0returns"
huizong.exe run "%RETURNS%" --config "%~dp0huizong.toml" --out "%~dp0output" --feedback "%~dp0output\feedback"
echo.
pause
