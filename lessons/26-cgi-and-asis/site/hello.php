<?php
// Run by php-cgi (PHPScript in example.ts). Query arguments arrive in $_GET.
$name = htmlspecialchars($_GET['name'] ?? 'stranger');
header('Content-Type: text/html; charset=utf-8');
echo "<!DOCTYPE html>\n<html><body><p>Hello, $name, from PHP " . PHP_VERSION . ".</p></body></html>\n";
