"""One blueprint per audience or protocol; views parse, call one package function, render."""
