@echo off
rem Mail Gateway on Windows: runs the gateway, or one of its tools, from this folder's parent.
rem
rem   bin\mail-gateway.cmd                               start the gateway (Ctrl+C stops it cleanly)
rem   bin\mail-gateway.cmd doctor                        check settings, disk and the path to the smart host
rem   bin\mail-gateway.cmd send-test --to you@example.com
rem   bin\mail-gateway.cmd add-user alice
rem
rem Settings: application.yml, config\application.yml next to bin\, GATEWAY_* environment variables and
rem --gateway.name=value arguments, as on any other system (see README).
rem Java: %JAVA_HOME%\bin\java.exe when JAVA_HOME is set, else java.exe from PATH; 17 or later.
rem JVM options: the defaults below, then MAIL_GATEWAY_JAVA_OPTS (a later option wins, e.g. -Xmx512m).

setlocal

rem The gateway reads routes\ and artemis-config\ from its working folder: the folder above bin\.
set "APP_HOME=%~dp0.."
pushd "%APP_HOME%" || exit /b 1

set "JAVA_EXE=java.exe"
if defined JAVA_HOME set "JAVA_EXE=%JAVA_HOME%\bin\java.exe"

rem Java 17 or later reports java.specification.version = 17, 18, ..., 21, 25; Java 8 says 1.8.
"%JAVA_EXE%" -XshowSettings:properties -version 2>&1 | findstr /r /c:"java\.specification\.version = 1[7-9]" /c:"java\.specification\.version = [2-9][0-9]" >nul
if errorlevel 1 goto no_java

rem The jar: beside bin\ in a copied installation, else where "mvn package" leaves it.
set "JAR=%APP_HOME%\mail-gateway.jar"
if not exist "%JAR%" set "JAR=%APP_HOME%\target\mail-gateway.jar"
if not exist "%JAR%" goto no_jar

rem The same defaults as bin/mail-gateway, bin/mail-gateway-service.xml and the pom; why: see bin/mail-gateway.
set "DEFAULT_JAVA_OPTS=-Xmx224m -XX:+UseParallelGC"

"%JAVA_EXE%" %DEFAULT_JAVA_OPTS% %MAIL_GATEWAY_JAVA_OPTS% -jar "%JAR%" %*
set "EXIT_CODE=%ERRORLEVEL%"
popd
exit /b %EXIT_CODE%

:no_java
echo Mail Gateway needs Java 17 or later; "%JAVA_EXE%" is missing or older. 1>&2
echo Install a Java 17 runtime - see README, Windows - and set JAVA_HOME to its folder. 1>&2
popd
exit /b 1

:no_jar
echo mail-gateway.jar is neither in "%APP_HOME%" nor in its target folder. 1>&2
echo Build it first: mvn -B package -DskipTests 1>&2
popd
exit /b 1
