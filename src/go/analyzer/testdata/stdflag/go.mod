module example.com/stdflag

go 1.22
