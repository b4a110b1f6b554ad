package dev.latchkey.account;

public enum AccountStatus { ACTIVE, DISABLED }
