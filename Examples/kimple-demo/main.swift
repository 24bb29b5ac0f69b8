print("kimple-demo")
