package ovi;
public final class Ovi { public static void main(String[] a) { System.out.println("x"); } }
