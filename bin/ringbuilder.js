#!/usr/bin/env node
import '../dist/ringbuilder/main.js'
